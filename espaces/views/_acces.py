"""Ce que les vues espaces partagent : la salle demandée (ou 404), la réservation visible
(ou 404), les structures pour lesquelles une personne réserve, le créneau proposé par un
lien de planning."""

import contextlib
import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from habitants import selectors as habitants_selectors
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


def peut_reserver(user) -> bool:
    """L'équipe de gestion, ou le membre d'une structure présente aujourd'hui (celles de
    `structures_reservantes`), dit des structures de la personne que la navigation lit de
    toute façon, une fois par requête (habitants_selectors.mes_structures)."""
    if is_gestion(user):
        return True
    aujourd_hui = timezone.localdate()
    return any(s.est_presente(aujourd_hui) for s in habitants_selectors.mes_structures(user))


def structures_presentes():
    return habitants_selectors.structures_presentes(le=timezone.localdate()).order_by("nom")


def initial_creneau(request) -> dict:
    """Le créneau qu'apporte un lien de planning (date, heures, et l'objet que propose
    « Réserver la prochaine heure libre » sur un téléphone) ; ce qui ne se lit pas est
    laissé de côté."""
    initial = {"date": parse_date(request.GET.get("date"), None)}
    for key in ("heure_debut", "heure_fin"):
        with contextlib.suppress(ValueError):
            initial[key] = datetime.time.fromisoformat(request.GET.get(key, ""))
    titre = request.GET.get("titre", "").strip()
    if titre and len(titre) <= 200:
        initial["titre"] = titre
    return {k: v for k, v in initial.items() if v is not None}


def reservation_visible(user, pk) -> Reservation:
    """Une réservation de sa structure (ou n'importe laquelle pour l'équipe), sinon 404."""
    return get_object_or_404(
        selectors.reservations_visibles(user, staff=is_staff_member(user)), pk=pk
    )


def peut_annuler(user) -> bool:
    """La comptabilité lit les réservations, elle ne les annule pas (ni ne les fait, ni ne
    décide des demandes : gestion_required et peut_reserver)."""
    return not is_staff_member(user) or is_gestion(user)


def ce_mois():
    return timezone.localdate().replace(day=1)
