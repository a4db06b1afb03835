"""Flux iCalendar abonnables (Google Agenda, Outlook, Thunderbird) : à qui appartient un
jeton, et ce que montre chaque flux."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from phares.lib.jetons import hash_token

from ..models import JetonCalendrier, Reservation, Ressource
from .reservations import structures_du_membre_ids

# A feed covers a bounded window: calendar clients poll often, and history is in the app.
FENETRE_PASSE = datetime.timedelta(days=90)
FENETRE_FUTUR = datetime.timedelta(days=400)


def jetons_actifs(user) -> QuerySet[JetonCalendrier]:
    return JetonCalendrier.objects.filter(user=user, revoque_le__isnull=True)


def jeton_actif(user) -> JetonCalendrier | None:
    return jetons_actifs(user).first()


def user_for(token: str):
    if not token or len(token) > 100:
        return None
    jeton = (
        JetonCalendrier.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoque_le__isnull=True, user__is_active=True)
        .first()
    )
    return jeton.user if jeton else None


def _fenetre(qs):
    now = timezone.now()
    return qs.filter(debut__gte=now - FENETRE_PASSE, debut__lte=now + FENETRE_FUTUR)


def flux_salle(ressource: Ressource):
    """Ce qui tient la salle, comme dans les plannings : une demande en attente n'y est pas."""
    return _fenetre(
        Reservation.objects.confirmees()
        .filter(ressource=ressource)
        .select_related("ressource", "structure", "externe")
    )


def flux_structure(structure):
    return _fenetre(
        Reservation.objects.actives()
        .filter(structure=structure)
        .select_related("ressource", "structure", "externe")
    )


def flux_personne(user, *, staff: bool = False):
    """Ce que `user` a réservé. Hors de l'équipe, seulement pour ses structures actuelles :
    qui quitte une structure ne suit plus ses réservations (le flux survit au départ)."""
    qs = Reservation.objects.actives().filter(par=user)
    if not staff:
        qs = qs.filter(structure_id__in=structures_du_membre_ids(user))
    return _fenetre(qs.select_related("ressource", "structure", "externe"))
