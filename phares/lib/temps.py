"""Heures : stockées en UTC, saisies et affichées à l'heure de Paris."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from . import dates

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(dt: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(dt, PARIS)


def jour(dt: datetime.datetime) -> datetime.date:
    """Le jour de Paris d'un datetime conscient (23 h 30 UTC le 10 est le 11 à Paris)."""
    return paris(dt).date()


def aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """Date et heure murale de Paris -> datetime conscient (gère les changements d'heure).

    Une heure qui n'existe pas (passage à l'heure d'été, 2 h 30) est décalée d'une heure
    par fold=0 ; une heure ambiguë (retour à l'heure d'hiver) prend la première occurrence.
    """
    naive = datetime.datetime.combine(day, at)
    local = naive.replace(tzinfo=PARIS, fold=0)
    # Round-trip through UTC normalises a non-existent wall time.
    return local.astimezone(datetime.UTC).astimezone(PARIS)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[début, fin[ d'une journée de Paris, en datetimes conscients (23 h ou 25 h possibles)."""
    return aware(day, datetime.time(0)), aware(day + datetime.timedelta(days=1), datetime.time(0))


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def minutes(duree: datetime.timedelta) -> int:
    """Minutes entières d'une durée (les secondes restantes ne comptent pas)."""
    return int(duree.total_seconds() // 60)


def creneau(debut: datetime.datetime, fin: datetime.datetime) -> str:
    """« le 10/03/2026 de 09:00 à 10:00 », à l'heure de Paris : pour le journal (une colonne
    qu'on trie et qu'on cherche). Les pages et les e-mails disent `creneau_lisible`."""
    d, f = paris(debut), paris(fin)
    return f"le {d:%d/%m/%Y} de {d:%H:%M} à {f:%H:%M}"


def creneau_lisible(debut: datetime.datetime, fin: datetime.datetime | None = None) -> str:
    """« mar. 10 mars 2026 de 09:00 à 10:00 » ; sans `fin`, « mar. 10 mars 2026 à 09:00 ».
    À l'heure de Paris, pour les pages, leurs messages et les e-mails."""
    d = paris(debut)
    texte = dates.date_courte(d.date(), jour=True)
    if fin is None:
        return f"{texte} à {d:%H:%M}"
    return f"{texte} de {d:%H:%M} à {paris(fin):%H:%M}"
