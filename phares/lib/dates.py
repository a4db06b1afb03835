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


# Abbreviations of the Imprimerie nationale's lexicon (no dot after a whole word).
MOIS_COURTS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
JOURS_COURTS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def date_courte(d: datetime.date, *, jour: bool = False) -> str:
    """« 11 déc. 2026 » ; avec `jour`, « ven. 11 déc. 2026 ». Le 1er s'écrit « 1er »."""
    if isinstance(d, datetime.datetime):
        raise TypeError("date_courte() prend une date : convertissez l'heure à Paris avant.")
    quantieme = "1er" if d.day == 1 else str(d.day)
    texte = f"{quantieme} {MOIS_COURTS[d.month - 1]} {d.year}"
    return f"{JOURS_COURTS[d.weekday()]} {texte}" if jour else texte


def date_longue(d: datetime.date, *, jour: bool = False) -> str:
    """« 11 décembre 2026 » ; avec `jour`, « vendredi 11 décembre 2026 »."""
    quantieme = "1er" if d.day == 1 else str(d.day)
    texte = f"{quantieme} {MOIS[d.month - 1]} {d.year}"
    return f"{JOURS[d.weekday()]} {texte}" if jour else texte


def duree(minutes: int | None) -> str:
    """Une durée en heures et minutes : « 45 min », « 10 h », « 1 h 30 »."""
    if minutes is None:
        return ""
    signe = "−" if minutes < 0 else ""
    h, m = divmod(abs(int(minutes)), 60)
    if h == 0:
        return f"{signe}{m} min"
    return f"{signe}{h} h" if m == 0 else f"{signe}{h} h {m:02d}"
