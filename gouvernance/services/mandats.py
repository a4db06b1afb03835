"""Mandats datés de la SCIC (cogérance, présidence, trésorerie, conseil…) : nommer, terminer.

Une personne n'a qu'un mandat d'une même fonction à la fois : la vérification donne le
message, la contrainte d'exclusion de PostgreSQL (migration 0005) tranche les courses.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from phares.lib import dates, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.verrous import verrouiller

from ..models import Mandat
from ._erreurs import GouvernanceError

CHAMPS = ("personne", "fonction", "debut", "fin", "designe_par", "motif_fin")


def _chevauchant(mandat: Mandat) -> Mandat | None:
    return (
        Mandat.objects.filter(personne_id=mandat.personne_id, fonction=mandat.fonction)
        .exclude(pk=mandat.pk)
        .filter(dates.overlapping(mandat.debut, mandat.fin))
        .first()
    )


def _message(autre: Mandat) -> str:
    fin = f" au {dates.date_longue(autre.fin)}" if autre.fin else " (en cours)"
    return (
        f"{autre.personne.display_name} a déjà un mandat de "
        f"{autre.get_fonction_display().lower()} du {dates.date_longue(autre.debut)}{fin} : "
        "deux mandats de la même fonction ne se chevauchent pas. Terminez le premier, ou "
        "changez les dates."
    )


def _enregistrer(mandat: Mandat, *, update_fields=None) -> None:
    autre = _chevauchant(mandat)
    if autre is not None:
        raise GouvernanceError(_message(autre))
    try:
        with transaction.atomic():
            mandat.save(update_fields=update_fields)
    except IntegrityError as exc:
        autre = _chevauchant(mandat)
        raise GouvernanceError(_message(autre) if autre else "Ce mandat est refusé.") from exc


def nommer(
    *,
    personne,
    fonction: str,
    debut: datetime.date,
    par: Acteur,
    fin: datetime.date | None = None,
    designe_par: str = "",
) -> Mandat:
    """Enregistre un mandat daté (fin vide : en cours)."""
    par = exiger(par)
    if fonction not in Mandat.Fonction.values:
        raise GouvernanceError("Choisissez la fonction du mandat.")
    if fin is not None and fin < debut:
        raise GouvernanceError("La fin du mandat ne peut pas précéder son début.")
    mandat = Mandat(
        personne=personne,
        fonction=fonction,
        debut=debut,
        fin=fin,
        designe_par=" ".join(designe_par.split()),
    )
    with transaction.atomic():
        verrouiller(f"gouvernance:mandat:{personne.pk}:{fonction}")
        _enregistrer(mandat)
        journal.journaliser(
            par=par,
            operation="mandat.nommer",
            libelle=f"Mandat : {personne.display_name}, {mandat.get_fonction_display().lower()}"
            f" à partir du {debut:%d/%m/%Y}",
            objet=mandat,
            changements=journal.creation(mandat, CHAMPS),
        )
    return mandat


def terminer(*, mandat: Mandat, fin: datetime.date, par: Acteur, motif: str = "") -> Mandat:
    """Dernier jour (inclus) d'un mandat ; on avance une fin, on ne la repousse pas (un
    renouvellement est un nouveau mandat, avec sa désignation)."""
    par = exiger(par)
    with transaction.atomic():
        mandat = (
            Mandat.objects.select_for_update(of=("self",))
            .select_related("personne")
            .get(pk=mandat.pk)
        )
        if fin < mandat.debut:
            raise GouvernanceError(
                f"Le mandat commence le {dates.date_longue(mandat.debut)} : il ne peut pas "
                "finir avant."
            )
        if mandat.fin is not None and mandat.fin <= fin:
            raise GouvernanceError(
                f"Ce mandat se termine déjà le {dates.date_longue(mandat.fin)} : un "
                "renouvellement est un nouveau mandat."
            )
        avant = journal.instantane(mandat, ["fin", "motif_fin"])
        mandat.fin = fin
        mandat.motif_fin = " ".join(motif.split())
        mandat.save(update_fields=["fin", "motif_fin"])
        journal.journaliser(
            par=par,
            operation="mandat.terminer",
            libelle=f"Fin du mandat de {mandat.personne.display_name} "
            f"({mandat.get_fonction_display().lower()}) le {fin:%d/%m/%Y}",
            objet=mandat,
            changements=journal.ecarts(avant, journal.instantane(mandat, ["fin", "motif_fin"])),
        )
    return mandat
