"""Calendriers iCalendar (RFC 5545) : invitations jointes aux e-mails et flux abonnables."""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone

from .models import Reservation

PRODID = "-//PHARES//Reservations//FR"


def uid(reservation: Reservation) -> str:
    return f"reservation-{reservation.pk}@phares"


def _event(r: Reservation, *, detail: bool) -> icalendar.Event:
    e = icalendar.Event()
    e.add("uid", uid(r))
    e.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    e.add("dtstart", r.debut.astimezone(datetime.UTC))
    e.add("dtend", r.fin.astimezone(datetime.UTC))
    # Incremented on every change (Reservation.sequence): a calendar that has the event
    # replaces it only by a higher version (RFC 5545, 3.8.7.4).
    e.add("sequence", r.sequence)
    if detail:
        qui = r.structure.nom if r.structure_id else (r.externe.nom if r.externe_id else "")
        e.add("summary", f"{r.titre} — {r.ressource.nom}")
        e.add("description", f"Réservé pour {qui}." if qui else "")
    else:
        e.add("summary", f"Occupé — {r.ressource.nom}")
    e.add("location", r.ressource.nom)
    e.add("status", STATUTS_ICS.get(r.statut, "CANCELLED"))
    return e


# Refused and expired requests leave calendars like cancelled bookings do.
STATUTS_ICS = {
    Reservation.Statut.CONFIRMEE: "CONFIRMED",
    Reservation.Statut.EN_ATTENTE: "TENTATIVE",
}


def calendrier(
    reservations, *, nom: str, detail_for=lambda r: True, method: str | None = None
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", nom)
    cal.add("x-wr-timezone", "Europe/Paris")
    if method:
        cal.add("method", method)
    for r in reservations:
        cal.add_component(_event(r, detail=detail_for(r)))
    return cal.to_ical()


def invitation(reservations: list[Reservation]) -> bytes:
    """Pièce jointe d'e-mail : PUBLISH (pas d'organisateur à qui répondre)."""
    nom = reservations[0].ressource.nom if reservations else "PHARES"
    return calendrier(reservations, nom=nom, method="PUBLISH")
