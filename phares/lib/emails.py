"""E-mails rendus depuis des gabarits `<préfixe>_subject.txt` et `<préfixe>_body.txt`."""

import logging
from collections.abc import Callable

from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def une_ligne(texte: str) -> str:
    """Un en-tête d'e-mail tient sur une ligne : un nom collé avec un retour à la ligne
    (saisi dans un formulaire) ferait échouer l'envoi."""
    return " ".join(texte.split())


def rendre(prefixe: str, context: dict) -> tuple[str, str]:
    """(objet sur une ligne, corps) du couple de gabarits `prefixe`."""
    return (
        une_ligne(render_to_string(f"{prefixe}_subject.txt", context)),
        render_to_string(f"{prefixe}_body.txt", context),
    )


def apres_validation(envoi: Callable[[], None], *, quoi: str, si_echec=None) -> None:
    """Programme un envoi pour après la validation de la transaction en cours : une
    opération annulée n'envoie rien, et un serveur de courrier en panne n'annule pas une
    opération déjà faite. L'échec est journalisé dans les logs, et `si_echec()` (facultatif)
    est appelé pour le signaler à l'écran (ex. « l'e-mail n'est pas parti, renvoyer »)."""

    def envoyer():
        try:
            envoi()
        except Exception:
            logger.exception("Envoi impossible : %s", quoi)
            if si_echec is not None:
                si_echec()

    transaction.on_commit(envoyer)
