"""Ce que les vues espaces partagent : la salle demandée (ou 404), les structures pour
lesquelles une personne réserve, le créneau proposé par un lien de planning."""

import contextlib
import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from habitants import selectors as habitants_selectors

from .. import selectors
from ..forms._champs import parse_date
from ..models import Ressource


def salle_ou_404(slug) -> Ressource:
    return get_object_or_404(
        Ressource.objects.select_related("espace__etage"),
        slug=slug,
        categorie=Ressource.Categorie.SALLE,
        active=True,
    )


def structures_reservantes(user):
    return selectors.structures_reservantes(user, le=timezone.localdate())


def mes_structures_ids(user) -> set[int]:
    return set(structures_reservantes(user).values_list("pk", flat=True))


def structures_presentes():
    return habitants_selectors.structures_presentes(le=timezone.localdate()).order_by("nom")


def initial_creneau(request) -> dict:
    initial = {}
    le = parse_date(request.GET.get("date"), None) if request.GET.get("date") else None
    if le:
        initial["date"] = le
    for key in ("heure_debut", "heure_fin"):
        value = request.GET.get(key, "")
        with contextlib.suppress(ValueError):
            initial[key] = datetime.time.fromisoformat(value) if value else None
    return {k: v for k, v in initial.items() if v is not None}
