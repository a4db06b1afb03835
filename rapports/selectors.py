"""Lectures du rapport annuel : les années qu'on peut rédiger, les éditions publiées."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from habitants import selectors as habitants_selectors

from .models import Edition, Redaction


def annees() -> list[int]:
    """Les années qu'un rapport peut couvrir, la plus récente d'abord : de la première
    arrivée d'une structure à l'année en cours."""
    courante = timezone.localdate().year
    premiere = habitants_selectors.premiere_annee() or courante
    return list(range(courante, min(premiere, courante) - 1, -1))


def redaction(annee: int) -> Redaction | None:
    return Redaction.objects.filter(annee=annee).first()


def annees_publiques() -> set[int]:
    """Les années dont les habitants lisent les éditions publiées."""
    return set(Redaction.objects.filter(public=True).values_list("annee", flat=True))


def editions(annee: int) -> QuerySet[Edition]:
    """Toutes les éditions de `annee` (en attente, en échec comprises), la plus récente
    d'abord, sans leurs octets."""
    return Edition.objects.filter(annee=annee).sans_pdf().select_related("publiee_par")


def editions_publiees(annee: int | None = None) -> QuerySet[Edition]:
    qs = Edition.objects.publiees().sans_pdf().select_related("publiee_par")
    return qs if annee is None else qs.filter(annee=annee)


def derniere_edition(annee: int) -> Edition | None:
    """La dernière version publiée de `annee` (octets compris), ou None."""
    return Edition.objects.publiees().filter(annee=annee).order_by("-version").first()


def edition(annee: int, version: int) -> Edition | None:
    return Edition.objects.filter(annee=annee, version=version).first()
