"""Ce que l'équipe fait du rapport annuel : tenir les textes d'une année, publier une
édition (rendue en tâche de fond, puis figée).

Numérotation des versions : la rédaction de l'année est verrouillée (select_for_update)
pendant la transaction qui crée l'édition ; deux publications simultanées prennent donc des
numéros distincts, l'une après l'autre, et la contrainte (annee, version) le garantit encore.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from . import roles
from .models import CHAMPS_TEXTES, Edition, Redaction

logger = logging.getLogger(__name__)

CHAMPS_JOURNAL = (*CHAMPS_TEXTES, "paroles", "photos", "couverture", "public")


class RapportsError(Exception):
    """Refus métier, avec un message destiné à la personne (la vue l'affiche tel quel)."""


def _exiger_gestion(par: Acteur) -> Acteur:
    par = exiger(par)
    if not (par.est_systeme or roles.peut_rediger(par.user)):
        raise RapportsError("Seule l'équipe de gestion rédige et publie le rapport annuel.")
    return par


def nouvelle_redaction(annee: int) -> Redaction:
    """La rédaction de `annee`, pas encore enregistrée, préremplie des textes de la dernière
    année rédigée avant elle (d'habitude l'année précédente). La sélection des paroles et
    des photos, propre à chaque année, ne se reprend pas."""
    precedente = Redaction.objects.filter(annee__lt=annee).order_by("-annee").first()
    redaction = Redaction(annee=annee)
    if precedente is not None:
        for nom in CHAMPS_TEXTES:
            setattr(redaction, nom, getattr(precedente, nom))
    return redaction


def _redaction_verrouillee(annee: int, par: Acteur) -> Redaction:
    """La rédaction de `annee`, créée (préremplie) si besoin, verrouillée jusqu'à la fin de
    la transaction en cours."""
    if not Redaction.objects.filter(annee=annee).exists():
        redaction = nouvelle_redaction(annee)
        redaction.modifiee_par = par.user
        try:
            # Two first publications of a year: the database keeps one row, the other
            # request takes it below.
            with transaction.atomic():
                redaction.save()
        except IntegrityError:
            pass
        else:
            journal.journaliser(
                par=par,
                operation="rapport.rediger",
                libelle=f"Rapport annuel {annee} : rédaction créée (textes de l'année précédente)",
                objet=redaction,
            )
    return Redaction.objects.select_for_update().get(annee=annee)


def enregistrer_redaction(*, annee: int, valeurs: dict, par: Acteur) -> Redaction:
    """Enregistre les textes, la sélection et la visibilité de `annee` (valeurs d'un
    formulaire validé : les champs de CHAMPS_JOURNAL)."""
    par = _exiger_gestion(par)
    with transaction.atomic():
        redaction = _redaction_verrouillee(annee, par)
        avant = journal.instantane(redaction, CHAMPS_JOURNAL)
        for nom in CHAMPS_JOURNAL:
            if nom in valeurs:
                setattr(redaction, nom, valeurs[nom])
        redaction.couverture = redaction.couverture or ""
        changements = journal.ecarts(avant, journal.instantane(redaction, CHAMPS_JOURNAL))
        if changements:
            redaction.modifiee_par = par.user
            redaction.save()
            journal.journaliser(
                par=par,
                operation="rapport.rediger",
                libelle=f"Rapport annuel {annee} : textes et sélection modifiés",
                objet=redaction,
                changements=changements,
            )
    return redaction


def publier(*, annee: int, par: Acteur) -> Edition:
    """Demande une nouvelle édition de `annee` : numérotée tout de suite, rendue en tâche de
    fond (rapports.taches.rendre_edition) avec les textes et la sélection de cet instant."""
    par = _exiger_gestion(par)
    with transaction.atomic():
        redaction = _redaction_verrouillee(annee, par)
        derniere = Edition.objects.filter(annee=annee).aggregate(v=Max("version"))["v"]
        edition = Edition.objects.create(
            annee=annee,
            version=(derniere or 0) + 1,
            textes={nom: getattr(redaction, nom) for nom in CHAMPS_TEXTES},
            selection=redaction.selection(),
            publiee_par=par.user,
            request_id=par.request_id[:64],
        )
        journal.journaliser(
            par=par,
            operation="rapport.publier",
            libelle=f"Rapport annuel {annee} : publication de la version {edition.version} "
            "demandée (rendu en tâche de fond)",
            objet=edition,
        )
        # After commit: the worker must find the edition; a rolled-back request renders nothing.
        transaction.on_commit(partial(_mettre_en_file, edition.pk), robust=True)
    return edition


MISE_EN_FILE_IMPOSSIBLE = (
    "Le rendu n'a pas pu être confié au processus de fond : publiez à nouveau "
    "(une nouvelle version sera créée)."
)


def _mettre_en_file(edition_pk: int) -> None:
    # taches imports this module: imported here, once the request has committed.
    from . import taches

    try:
        resultat = taches.rendre_edition.enqueue(edition_id=edition_pk)
    except Exception:
        logger.exception("Édition %s : mise en file impossible", edition_pk)
        Edition.objects.filter(pk=edition_pk, statut=Edition.Statut.EN_ATTENTE).update(
            statut=Edition.Statut.ECHEC, erreur=MISE_EN_FILE_IMPOSSIBLE
        )
        return
    Edition.objects.filter(pk=edition_pk).exclude(statut=Edition.Statut.PUBLIEE).update(
        tache_id=str(resultat.id)[:64]
    )
