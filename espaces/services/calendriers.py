"""Jetons des flux iCalendar : un secret par personne, haché, révocable, régénérable.

Le journal garde la création et la révocation, jamais le secret ni son empreinte."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.jetons import hash_token
from phares.lib.verrous import verrouiller

from ..models import JetonCalendrier
from ..selectors import jetons_actifs
from ._erreurs import EspacesError


def _personne(par: Acteur):
    par = exiger(par)
    if par.user is None:
        raise EspacesError("Les liens d'abonnement appartiennent à une personne connectée.")
    return par


def nouveau_jeton(*, par: Acteur) -> str:
    """Révoque le jeton actif de la personne qui agit et en crée un autre ; renvoie le
    secret (affiché une fois)."""
    par = _personne(par)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        # Two clicks at once would both revoke, then both insert a "one active token" row.
        verrouiller(f"jetons:{par.user.pk}")
        anciens = _revoquer(par.user)
        jeton = JetonCalendrier.objects.create(user=par.user, token_hash=hash_token(token))
        journal.journaliser(
            par=par,
            operation="calendrier.creer",
            libelle="Liens d'abonnement aux calendriers créés"
            + (" (les précédents sont révoqués)" if anciens else ""),
            objet=jeton,
        )
    return token


def revoquer(*, par: Acteur) -> int:
    """Révoque les liens d'abonnement de la personne qui agit ; renvoie leur nombre."""
    par = _personne(par)
    with transaction.atomic():
        actif = jetons_actifs(par.user).first()
        n = _revoquer(par.user)
        if n:
            journal.journaliser(
                par=par,
                operation="calendrier.revoquer",
                libelle="Liens d'abonnement aux calendriers révoqués",
                objet=actif,
            )
    return n


def _revoquer(user) -> int:
    return jetons_actifs(user).update(revoque_le=timezone.now())
