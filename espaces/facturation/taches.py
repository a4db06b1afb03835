"""Tâches de fond de la facturation (django-tasks ; voir docs/decisions.md, « Tâches de
fond ») : émettre les brouillons d'un mois, un PDF par facture, et relancer les clients en
retard, un e-mail chacun, pendant que la page suit l'avancement du lot.

Un brouillon = une transaction, qui émet la facture (services.emettre : numéro, PDF) et
avance les compteurs du lot : un brouillon refusé ne consomme aucun numéro et n'arrête pas
les autres, et la page ne compte jamais une facture qui n'existe pas. Relancée sur le même
lot (processus de fond tué en route), la tâche reprend les brouillons qui restent.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from phares.lib import journal
from phares.lib.acteur import Acteur

from . import reglements, selectors, services
from .models import Facture, Lot

logger = logging.getLogger(__name__)

INTERROMPU = (
    "Émission interrompue avant la fin (arrêt du processus de fond) : relancez l'émission "
    "du mois pour les brouillons qui restent."
)


@task()
def emettre_lot(lot_id: int) -> dict[str, int]:
    """Émet un à un les brouillons du mois du lot `lot_id`, en comptant. Un lot fini (ou
    introuvable) ne fait rien ; un lot en cours reprend où il en était."""
    depart = _demarrer(lot_id)
    if depart is None:
        return {}
    lot, restants = depart
    par = _acteur(lot)
    try:
        for pk in restants:
            if not _emettre_un(lot.pk, pk, par):
                break  # declared failed meanwhile (silent too long, taken over)
    except BaseException:
        # Stopped in the middle (SIGTERM twice, SystemExit, database gone): the invoice
        # under way rolled back; the page must not say « en cours » forever.
        _interrompre(lot.pk)
        raise
    lot = _terminer(lot.pk, par)
    return {"total": lot.total, "faites": lot.faites, "erreurs": len(lot.erreurs)}


def _acteur(lot: Lot) -> Acteur:
    """Celle ou celui qui a lancé le lot signe chaque émission (journal), depuis la tâche."""
    if lot.lance_par is None:
        return Acteur.systeme("tache")
    return Acteur.personne(lot.lance_par, origine="tache", request_id=lot.request_id)


def _demarrer(lot_id: int) -> tuple[Lot, list[int]] | None:
    with transaction.atomic():
        lot = (
            Lot.objects.select_for_update(of=("self",))
            .select_related("lance_par")
            .filter(pk=lot_id)
            .first()
        )
        if lot is None or lot.est_fini:
            return None
        restants = list(
            Facture.objects.brouillons()
            .filter(mois=lot.mois)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        maintenant = timezone.now()
        # A rerun tries again the drafts refused last time: their errors are counted anew.
        lot.erreurs = []
        lot.total = lot.faites + len(restants)
        lot.statut = Lot.Statut.EN_COURS
        lot.debut = lot.debut or maintenant
        lot.maj_le = maintenant
        lot.save(update_fields=["erreurs", "total", "statut", "debut", "maj_le"])
    return lot, restants


def _emettre_un(lot_id: int, facture_pk: int, par: Acteur) -> bool:
    """Émet un brouillon et avance le lot, dans une seule transaction ; faux si le lot
    n'est plus en cours (il s'arrête)."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut != Lot.Statut.EN_COURS:
            return False
        facture = (
            Facture.objects.brouillons()
            .select_related("structure", "client_externe")
            .filter(pk=facture_pk)
            .first()
        )
        if facture is None:
            # Issued by hand or deleted since the start: no longer this lot's to do.
            lot.total -= 1
        else:
            emise, erreur = services.tenter_emission(facture=facture, par=par)
            if emise is not None:
                lot.faites += 1
            else:
                lot.erreurs = [*lot.erreurs, erreur]
        lot.maj_le = timezone.now()
        lot.save(update_fields=["total", "faites", "erreurs", "maj_le"])
    return True


def _terminer(lot_id: int, par: Acteur) -> Lot:
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut != Lot.Statut.EN_COURS:
            return lot
        lot.statut = Lot.Statut.TERMINE
        lot.fin = lot.maj_le = timezone.now()
        lot.save(update_fields=["statut", "fin", "maj_le"])
        journal.journaliser(
            par=par,
            operation=f"facturation.{lot.nature}_terminee",
            libelle=f"{lot.libelle} terminée : {lot.faites} {lot.mot_journal} sur {lot.total}, "
            f"{len(lot.erreurs)} refus",
            objet=lot,
        )
    return lot


def _interrompre(lot_id: int) -> None:
    try:
        with transaction.atomic():
            lot = Lot.objects.select_for_update().filter(pk=lot_id).first()
            if lot is None or lot.est_fini:
                return
            lot.statut = Lot.Statut.ECHOUE
            lot.fin = lot.maj_le = timezone.now()
            lot.erreurs = [*lot.erreurs, INTERROMPU]
            lot.save(update_fields=["statut", "fin", "maj_le", "erreurs"])
    except Exception:
        logger.exception("Lot %s : interruption non enregistrée", lot_id)


@task()
def relancer_lot(lot_id: int) -> dict[str, int]:
    """Relance un à un les clients en retard au démarrage du lot `lot_id` (un e-mail chacun,
    PDF joints). Un client déjà relancé aujourd'hui (par sa ligne ou un lot précédent) est
    compté en refus, avec la raison : personne ne reçoit deux relances le même jour."""
    with transaction.atomic():
        lot = (
            Lot.objects.select_for_update(of=("self",))
            .select_related("lance_par")
            .filter(pk=lot_id)
            .first()
        )
        if lot is None or lot.est_fini:
            return {}
        groupes = selectors.impayes_par_client(timezone.localdate())
        clients = [(g.cle, str(g.client)) for g in groupes]
        maintenant = timezone.now()
        lot.erreurs, lot.faites, lot.total = [], 0, len(clients)
        lot.statut = Lot.Statut.EN_COURS
        lot.debut = lot.debut or maintenant
        lot.maj_le = maintenant
        lot.save(update_fields=["erreurs", "faites", "total", "statut", "debut", "maj_le"])
    par = _acteur(lot)
    try:
        for cle, nom in clients:
            if not _relancer_un(lot.pk, cle, nom, par):
                break
    except BaseException:
        _interrompre(lot.pk)
        raise
    lot = _terminer(lot.pk, par)
    return {"total": lot.total, "faites": lot.faites, "erreurs": len(lot.erreurs)}


def _relancer_un(lot_id: int, cle: str, nom: str, par: Acteur) -> bool:
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut != Lot.Statut.EN_COURS:
            return False
        genre, _, pk = cle.partition("-")
        client = {"structure_id": int(pk)} if genre == "s" else {"client_externe_id": int(pk)}
        try:
            with transaction.atomic():
                reglements.relancer_client(**client, par=par)
        except services.FacturationError as exc:
            lot.erreurs = [*lot.erreurs, f"{nom} : {exc}"]
        except Exception:
            logger.exception("Relance de %s impossible", nom)
            lot.erreurs = [*lot.erreurs, f"{nom} : l'e-mail n'a pas pu partir (erreur consignée)."]
        else:
            lot.faites += 1
        lot.maj_le = timezone.now()
        lot.save(update_fields=["faites", "erreurs", "maj_le"])
    return True
