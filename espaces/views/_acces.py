"""Ce que les vues espaces partagent : la salle demandée (ou 404), la réservation visible
(ou 404), les structures pour lesquelles une personne réserve, le créneau proposé par un
lien de planning, le libellé d'un créneau."""

import contextlib
import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, temps
from phares.roles import is_gestion, is_staff_member

from .. import selectors
from ..forms._champs import parse_date
from ..models import Reservation, Ressource


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


def reservation_visible(user, pk) -> Reservation:
    """Une réservation de sa structure (ou n'importe laquelle pour l'équipe), sinon 404."""
    return get_object_or_404(
        selectors.reservations_visibles(user, staff=is_staff_member(user)), pk=pk
    )


def peut_annuler(user) -> bool:
    """La comptabilité lit les réservations, elle ne les annule pas (ni ne les fait, ni ne
    décide des demandes : gestion_required et _peut_reserver)."""
    return not is_staff_member(user) or is_gestion(user)


def ce_mois():
    return timezone.localdate().replace(day=1)


def libelle(r: Reservation) -> str:
    """« mar. 10 mars 2026 de 09:00 à 10:00 » (heure de Paris)."""
    d, f = temps.paris(r.debut), temps.paris(r.fin)
    return f"{dates.date_courte(d.date(), jour=True)} de {d:%H:%M} à {f:%H:%M}"
