"""Lectures sur les tarifs, le forfait d'heures de salle et les consommations."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import QuerySet

from phares.lib import dates, temps

from ..models import Consommation, Reservation, Ressource, Tarif


def tarif_en_vigueur(
    code: str, le: datetime.date, ressource: Ressource | None = None
) -> Tarif | None:
    """Le tarif `code` valable le jour `le` : celui de la ressource, sinon le général."""
    qs = Tarif.objects.filter(dates.active_on(le), code=code)
    if ressource is not None:
        specific = qs.filter(ressource=ressource).order_by("-debut").first()
        if specific:
            return specific
    return qs.filter(ressource__isnull=True).order_by("-debut").first()


def minutes_consommees(structure, mois: datetime.date, *, exclude_pk=None) -> int:
    """Minutes de salle réservées (confirmées) par la structure dans le mois de `mois`."""
    premier = mois.replace(day=1)
    dernier = mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])
    debut, _ = temps.day_bounds(premier)
    _, fin = temps.day_bounds(dernier)
    qs = Reservation.objects.filter(
        structure=structure,
        ressource__categorie=Ressource.Categorie.SALLE,
        statut=Reservation.Statut.CONFIRMEE,
        debut__gte=debut,
        debut__lt=fin,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    total = datetime.timedelta()
    for d, f in qs.values_list("debut", "fin"):
        total += f - d
    return temps.minutes(total)


def consommations(structures) -> QuerySet[Consommation]:
    """Consommations des `structures`, la plus récente d'abord."""
    return (
        Consommation.objects.filter(structure__in=structures)
        .select_related("structure", "saisi_par")
        .order_by("-date", "-pk")
    )
