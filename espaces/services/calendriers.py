"""Jetons des flux iCalendar : un secret par personne, haché, révocable, régénérable."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from phares.lib.jetons import hash_token

from ..models import JetonCalendrier
from ..selectors import jetons_actifs


def nouveau_jeton(user) -> str:
    """Révoque le jeton actif et en crée un autre ; renvoie le secret (affiché une fois)."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        revoquer(user)
        JetonCalendrier.objects.create(user=user, token_hash=hash_token(token))
    return token


def revoquer(user) -> int:
    return jetons_actifs(user).update(revoque_le=timezone.now())
