"""Tâche de fond du rapport annuel (django-tasks ; voir docs/decisions.md, « Tâches de
fond ») : rendre le PDF d'une édition demandée, puis la figer.

Le rendu (quelques secondes) se fait hors transaction ; l'édition n'est écrite qu'au début
(« rendu en cours ») et à la fin (publiée, ou échec avec un message en français). Une tâche
relancée sur une édition finie ne fait rien.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from phares.lib import journal
from phares.lib.acteur import Acteur

from . import donnees, rendu
from .models import Edition, textes_de

logger = logging.getLogger(__name__)

ECHEC_RENDU = (
    "Le PDF n'a pas pu être produit (erreur consignée pour l'équipe technique) : "
    "vérifiez les données de l'année puis publiez à nouveau."
)


def sans_donnees(annee: int) -> str:
    return (
        f"Aucune donnée pour {annee} (aucune structure hébergée cette année-là) : "
        "il n'y a pas de rapport à publier."
    )


def chiffres_en_json(rapport: donnees.Rapport) -> list[dict]:
    """Les chiffres clés tels qu'imprimés, pour les garder avec l'édition (Decimal en
    texte : « 2.5 » reste 2.5, sans arrondi de flottant)."""
    return [
        {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(c).items()}
        for c in rapport.chiffres
    ]


@task()
def rendre_edition(edition_id: int) -> str:
    edition = _demarrer(edition_id)
    if edition is None:
        return ""
    try:
        rapport = donnees.rassembler(
            edition.annee, textes=textes_de(edition.textes), **edition.selection
        )
        contenu = rendu.pdf(rapport)
    except donnees.AnneeSansDonnees:
        return _echouer(edition.pk, sans_donnees(edition.annee))
    except Exception:
        logger.exception("Édition %s : rendu impossible", edition_id)
        return _echouer(edition.pk, ECHEC_RENDU)
    except BaseException:
        # Worker stopped in the middle: the page must not say « en cours » forever.
        _echouer(edition.pk, "Rendu interrompu (arrêt du processus de fond) : publiez à nouveau.")
        raise
    return _publier(edition.pk, contenu, chiffres_en_json(rapport))


def _acteur(edition: Edition) -> Acteur:
    """Celle ou celui qui a demandé la publication la signe, depuis la tâche."""
    if edition.publiee_par is None:
        return Acteur.systeme("tache")
    return Acteur.personne(edition.publiee_par, origine="tache", request_id=edition.request_id)


def _demarrer(edition_id: int) -> Edition | None:
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
        if edition is None or edition.est_finie:
            return None
        edition.statut = Edition.Statut.EN_COURS
        edition.save(update_fields=["statut"])
    return edition


def _publier(edition_id: int, contenu: bytes, chiffres: list[dict]) -> str:
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update(of=("self",))
            .select_related("publiee_par")
            .get(pk=edition_id)
        )
        if edition.est_finie:
            return edition.statut
        edition.pdf = contenu
        edition.sha256 = hashlib.sha256(contenu).hexdigest()
        edition.taille = len(contenu)
        edition.chiffres = chiffres
        edition.statut = Edition.Statut.PUBLIEE
        edition.publiee_le = timezone.now()
        edition.erreur = ""
        edition.save()
        journal.journaliser(
            par=_acteur(edition),
            operation="rapport.publiee",
            libelle=f"Rapport annuel {edition.annee}, version {edition.version} publiée "
            f"(SHA-256 {edition.sha256[:12]}…)",
            objet=edition,
        )
    return edition.statut


def _echouer(edition_id: int, message: str) -> str:
    try:
        with transaction.atomic():
            edition = (
                Edition.objects.select_for_update(of=("self",))
                .select_related("publiee_par")
                .filter(pk=edition_id)
                .first()
            )
            if edition is None or edition.est_finie:
                return ""
            edition.statut = Edition.Statut.ECHEC
            edition.erreur = message
            edition.save(update_fields=["statut", "erreur"])
            journal.journaliser(
                par=_acteur(edition),
                operation="rapport.echec",
                libelle=f"Rapport annuel {edition.annee}, version {edition.version} : "
                f"échec du rendu — {message}",
                objet=edition,
            )
    except Exception:
        logger.exception("Édition %s : échec non enregistré", edition_id)
        return ""
    return Edition.Statut.ECHEC
