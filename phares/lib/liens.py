"""Liens absolus vers l'application, pour les e-mails : ils partent après la validation ou
depuis une tâche de fond, sans requête à interroger (réglage PHARES_URL)."""

from django.conf import settings
from django.urls import reverse


def absolu(chemin: str) -> str:
    if not chemin.startswith("/"):
        raise ValueError("Un chemin absolu est attendu (/…).")
    return settings.PHARES_URL + chemin


def vers(nom: str, *args) -> str:
    """`vers("espaces:reservation-detail", 12)` -> « https://…/reservations/12/ »."""
    return absolu(reverse(nom, args=args))
