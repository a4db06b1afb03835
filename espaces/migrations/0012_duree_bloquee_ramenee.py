"""Avant la contrainte « une réservation bloque 48 heures au plus » (0013) : les lignes qui
bloquent plus sont ramenées à 48 heures au lieu de faire échouer la migration.

Aucun chemin de l'application n'en écrit (une réservation tient dans un jour de Paris, sa
durée et son battement font 24 heures au plus ; l'administration est en lecture seule) :
seule une écriture directe en base a pu en laisser. Raccourcir le battement ne crée aucun
chevauchement (le créneau bloqué rétrécit) ; la fin elle-même n'est raccourcie que si la
réservation durait plus de 48 heures. Le prix et les minutes facturées, figés à la
réservation, ne changent pas : les factures restent vraies. Les lignes touchées sont dites
à l'écran de la migration. Voir docs/decisions.md, « Disponibilités qui ne grandissent pas
avec l'historique »."""

import datetime

from django.db import migrations
from django.db.models import F

DUREE_BLOQUEE_MAX = datetime.timedelta(hours=48)  # espaces.models.reservations, figée ici


def ramener(apps, schema_editor):
    Reservation = apps.get_model("espaces", "Reservation")
    trop_longues = Reservation.objects.filter(fin_bloquee__gt=F("debut") + DUREE_BLOQUEE_MAX)
    for r in trop_longues.only("pk", "debut", "fin", "fin_bloquee").iterator():
        borne = r.debut + DUREE_BLOQUEE_MAX
        avant = (r.fin, r.fin_bloquee)
        r.fin_bloquee, r.fin = borne, min(r.fin, borne)
        r.save(update_fields=["fin", "fin_bloquee"])
        print(
            f"\n  réservation {r.pk} : fin, fin bloquée {avant[0]:%Y-%m-%d %H:%M}, "
            f"{avant[1]:%Y-%m-%d %H:%M} → {r.fin:%Y-%m-%d %H:%M}, {borne:%Y-%m-%d %H:%M} (UTC)"
        )


class Migration(migrations.Migration):
    dependencies = [("espaces", "0011_plan_des_etages")]

    operations = [migrations.RunPython(ramener, migrations.RunPython.noop)]
