"""Ce que le lieu a à facturer pour un mois, lu pour la facturation (qui n'écrit rien ici) :
conventions d'occupation, réservations payantes confirmées, consommations. Trois requêtes
par mois, quel que soit le nombre de structures."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from phares.lib import dates, temps

from ..models import ClientExterne, Consommation, Convention, Reservation, Tarif, TypeEspace


def bornes_du_mois(mois: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Premier et dernier jour (inclus) du mois de `mois`."""
    premier = mois.replace(day=1)
    return premier, premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])


def conventions_du_mois(mois: datetime.date) -> QuerySet[Convention]:
    """Les conventions en cours un jour au moins du mois (bornes incluses)."""
    premier, dernier = bornes_du_mois(mois)
    return (
        Convention.objects.filter(dates.overlapping(premier, dernier))
        .select_related("structure", "espace")
        .order_by("structure_id", "espace__nom", "poste", "debut")
    )


def reservations_payantes_du_mois(mois: datetime.date) -> QuerySet[Reservation]:
    """Les réservations confirmées qui commencent dans le mois (jour de Paris) et ont un prix
    figé : salles au-delà du forfait, locations extérieures, vélos payants. Une réservation
    annulée ne se facture pas."""
    premier, dernier = bornes_du_mois(mois)
    debut, _ = temps.day_bounds(premier)
    _, fin = temps.day_bounds(dernier)
    return (
        Reservation.objects.confirmees()
        .filter(debut__gte=debut, debut__lt=fin, montant_ht__gt=0)
        .select_related("ressource", "structure", "externe", "tarif")
        .order_by("debut", "pk")
    )


def consommations_du_mois(mois: datetime.date) -> QuerySet[Consommation]:
    premier, dernier = bornes_du_mois(mois)
    return (
        Consommation.objects.filter(date__gte=premier, date__lte=dernier)
        .select_related("structure", "tarif")
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class TarifsLoyer:
    """Les tarifs de loyer (bureau, poste de co-travail) d'une période, pour retrouver la
    mention d'exonération de TVA d'une convention (qui copie le prix, pas la mention)."""

    tarifs: tuple[Tarif, ...]

    def mention(self, convention: Convention, le: datetime.date) -> str:
        code = code_tarif_loyer(convention)
        for t in self.tarifs:
            if t.code == code and dates.is_active(t.debut, t.fin, le):
                return t.mention_exoneration
        return ""


def tarifs_loyer(mois: datetime.date) -> TarifsLoyer:
    premier, dernier = bornes_du_mois(mois)
    return TarifsLoyer(
        tuple(
            Tarif.objects.filter(
                dates.overlapping(premier, dernier),
                code__in=[Tarif.Code.BUREAU_M2_MOIS, Tarif.Code.POSTE_COTRAVAIL_MOIS],
                ressource__isnull=True,
            ).order_by("-debut")
        )
    )


def code_tarif_loyer(convention: Convention) -> str:
    if convention.espace.type == TypeEspace.COTRAVAIL:
        return Tarif.Code.POSTE_COTRAVAIL_MOIS
    return Tarif.Code.BUREAU_M2_MOIS


def clients_externes() -> QuerySet[ClientExterne]:
    """Les organisations extérieures (facturées à leur adresse)."""
    return ClientExterne.objects.all()
