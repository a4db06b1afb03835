"""A pending public request no longer holds the slot: the exclusion constraint covers
confirmed bookings only (docs/decisions.md, « Demandes extérieures »). Also: the keyed hash
of a request's IP address, bounded billing addresses, French field names for the journal,
series created by the system.
"""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from phares.lib.migrations import RunSQLPostgres

CONTRAINTE = """
ALTER TABLE espaces_reservation DROP CONSTRAINT reservation_sans_chevauchement;
ALTER TABLE espaces_reservation
  ADD CONSTRAINT reservation_sans_chevauchement
  EXCLUDE USING gist (
    ressource_id WITH =,
    tstzrange(debut, fin_bloquee, '[)') WITH &&
  ) WHERE (statut {});
"""

# Going back: the old constraint also covers pending requests, which may now overlap a
# confirmed booking or each other (that is what this migration allows). Those could not
# have been accepted anyway: they are marked expired first (the oldest of overlapping
# requests stays pending), or the old constraint would not build.
EXPIRER_CELLES_QUI_CHEVAUCHENT = """
UPDATE espaces_reservation AS d SET statut = 'expiree'
 WHERE d.statut = 'en_attente'
   AND EXISTS (
     SELECT 1 FROM espaces_reservation AS r
      WHERE r.ressource_id = d.ressource_id
        AND (r.statut = 'confirmee' OR (r.statut = 'en_attente' AND r.id < d.id))
        AND tstzrange(r.debut, r.fin_bloquee, '[)') && tstzrange(d.debut, d.fin_bloquee, '[)')
   );
"""


class Migration(migrations.Migration):

    dependencies = [
        ('espaces', '0004_lieu_textes_et_tarifs'),
        ('habitants', '0003_longueurs_et_echec_envoi'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reservation',
            name='empreinte_ip',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='clientexterne',
            name='adresse_facturation',
            field=models.TextField(max_length=500, verbose_name='adresse de facturation'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='annulee_le',
            field=models.DateTimeField(blank=True, null=True, verbose_name='annulée le'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='annulee_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='annulée par'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='cree_le',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='créée le'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='externe',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='espaces.clientexterne', verbose_name='organisation extérieure'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='minutes_facturables',
            field=models.PositiveIntegerField(default=0, verbose_name='minutes facturables'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='montant_ht',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='montant HT'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to=settings.AUTH_USER_MODEL, verbose_name='réservée par'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='ressource',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='espaces.ressource', verbose_name='salle ou vélo'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='statut',
            field=models.CharField(choices=[('confirmee', 'Confirmée'), ('en_attente', 'En attente'), ('annulee', 'Annulée'), ('refusee', 'Refusée'), ('expiree', 'Expirée')], default='confirmee', max_length=12, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='structure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='habitants.structure', verbose_name='structure'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='tarif',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='espaces.tarif', verbose_name='tarif'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='taux_tva',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=5, verbose_name='taux de TVA (%)'),
        ),
        migrations.AlterField(
            model_name='seriereservations',
            name='cree_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créée par'),
        ),
        migrations.AddIndex(
            model_name='reservation',
            index=models.Index(fields=['empreinte_ip', 'cree_le'], name='reservation_empreinte_ip'),
        ),
        RunSQLPostgres(
            sql=CONTRAINTE.format("= 'confirmee'"),
            reverse_sql=EXPIRER_CELLES_QUI_CHEVAUCHENT
            + CONTRAINTE.format("IN ('confirmee', 'en_attente')"),
        ),
    ]
