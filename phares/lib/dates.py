"""Règle unique des périodes : **toutes les dates de fin sont incluses**.

Une présence du 1er juin au 31 août 2015 compte le 1er juin et le 31 août.
Une fin vide signifie « en cours ». Les heures (réservations) suivent une autre
règle, [début, fin[, pour que deux créneaux bout à bout ne se chevauchent pas.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def active_on(le: datetime.date, start: str = "debut", end: str = "fin") -> Q:
    """Filtre : période [start, end] (bornes incluses, end vide = en cours) contenant `le`."""
    return Q(**{f"{start}__lte": le}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": le}))


def overlapping(
    debut: datetime.date, fin: datetime.date | None, start: str = "debut", end: str = "fin"
) -> Q:
    """Filtre : période chevauchant [debut, fin], bornes incluses des deux côtés
    (`fin` vide = sans terme)."""
    q = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": debut})
    return q if fin is None else Q(**{f"{start}__lte": fin}) & q


def is_active(debut: datetime.date | None, fin: datetime.date | None, le: datetime.date) -> bool:
    return debut is not None and debut <= le and (fin is None or fin >= le)


def mois_annee(d: datetime.date) -> str:
    """« octobre 2015 »."""
    return f"{MOIS[d.month - 1]} {d.year}"


def periode(debut: datetime.date | None, fin: datetime.date | None) -> str:
    """Période lisible, comme dans le rapport : « depuis octobre 2015 », « juin – août 2015 »."""
    if debut is None:
        return ""
    if fin is None:
        return f"depuis {mois_annee(debut)}"
    if debut.year == fin.year:
        if debut.month == fin.month:
            return mois_annee(debut)
        return f"{MOIS[debut.month - 1]} – {mois_annee(fin)}"
    return f"{mois_annee(debut)} – {mois_annee(fin)}"
