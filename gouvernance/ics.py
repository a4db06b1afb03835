"""La convocation au format iCalendar (RFC 5545), jointe à l'e-mail et téléchargeable."""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone

from .models import Seance

PRODID = "-//PHARES//Gouvernance//FR"


def uid(seance: Seance) -> str:
    return f"seance-{seance.pk}@phares"


def convocation(seance: Seance, *, url: str = "") -> bytes:
    """PUBLISH (pas d'organisateur à qui répondre). SEQUENCE : la version de la convocation,
    pour qu'un agenda remplace l'événement quand elle est renvoyée après un changement."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    e = icalendar.Event()
    e.add("uid", uid(seance))
    e.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    e.add("dtstart", seance.debut.astimezone(datetime.UTC))
    fin = seance.fin or seance.debut + datetime.timedelta(hours=2)
    e.add("dtend", fin.astimezone(datetime.UTC))
    e.add("sequence", seance.sequence)
    e.add("summary", seance.titre)
    e.add("location", seance.lieu)
    points = [f"{i}. {p.titre}" for i, p in enumerate(seance.points.order_by("rang", "pk"), 1)]
    e.add("description", "Ordre du jour :\n" + "\n".join(points) if points else "")
    if url:
        e.add("url", url)
    e.add("status", "CONFIRMED")
    cal.add_component(e)
    return cal.to_ical()
