"""Séries de réservations (quotidiennes, hebdomadaires, mensuelles) : créneaux, plan des
créneaux libres et pris, réservation et annulation de la série."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from phares.lib import temps

from ..models import ClientExterne, Reservation, Ressource, SerieReservations
from ._erreurs import ConflitError, EspacesError
from .reservations import annuler, motif_de_refus, reserver


@dataclass
class Creneau:
    debut: datetime.datetime
    fin: datetime.datetime


MAX_OCCURRENCES = 200


def occurrences(
    debut: datetime.datetime,
    fin: datetime.datetime,
    *,
    frequence: str,
    intervalle: int = 1,
    jusqu_au: datetime.date | None = None,
    nombre: int | None = None,
) -> list[Creneau]:
    """Les créneaux d'une série, à heure murale constante (9 h reste 9 h après le
    changement d'heure). Un jour qui n'existe pas (31 d'un mois court) est sauté."""
    if (jusqu_au is None) == (nombre is None):
        raise EspacesError("Indiquez une date de fin de série ou un nombre de fois, pas les deux.")
    if intervalle < 1:
        raise EspacesError("L'intervalle est d'au moins 1.")
    if nombre is not None and not 1 <= nombre <= MAX_OCCURRENCES:
        raise EspacesError(f"Une série compte de 1 à {MAX_OCCURRENCES} réservations.")
    d0, f0 = temps.paris(debut), temps.paris(fin)
    if jusqu_au is not None and jusqu_au < d0.date():
        raise EspacesError("La fin de la série précède sa première date.")
    result: list[Creneau] = []
    # Skipped days (31st of a short month) count as steps, so bound the loop twice over.
    for k in range(MAX_OCCURRENCES * 2):
        if nombre is not None and len(result) >= nombre:
            break
        jour = _nieme(d0.date(), frequence, intervalle * k)
        if jour is None:
            continue
        if jusqu_au is not None and jour > jusqu_au:
            break
        result.append(Creneau(temps.aware(jour, d0.time()), temps.aware(jour, f0.time())))
    if len(result) > MAX_OCCURRENCES:
        raise EspacesError(
            f"Une série compte {MAX_OCCURRENCES} réservations au plus : raccourcissez-la."
        )
    return result


def _nieme(jour0: datetime.date, frequence: str, n: int) -> datetime.date | None:
    F = SerieReservations.Frequence
    if frequence == F.QUOTIDIENNE:
        return jour0 + datetime.timedelta(days=n)
    if frequence == F.HEBDOMADAIRE:
        return jour0 + datetime.timedelta(weeks=n)
    if frequence == F.MENSUELLE:
        month0 = jour0.month - 1 + n
        year, month = jour0.year + month0 // 12, month0 % 12 + 1
        if jour0.day > calendar.monthrange(year, month)[1]:
            return None
        return jour0.replace(year=year, month=month)
    raise EspacesError("Fréquence inconnue.")


@dataclass
class PlanSerie:
    libres: list[Creneau] = field(default_factory=list)
    conflits: list[tuple[Creneau, str]] = field(default_factory=list)


def planifier_serie(
    ressource: Ressource, creneaux: list[Creneau], *, nb_personnes: int, externe: bool, now=None
) -> PlanSerie:
    """Sépare les créneaux réservables de ceux qui ne le sont pas (avec la raison)."""
    now = now or timezone.now()
    plan = PlanSerie()
    for c in creneaux:
        motif = motif_de_refus(ressource, c.debut, c.fin, nb_personnes, now=now, externe=externe)
        if motif is None:
            plan.libres.append(c)
        else:
            plan.conflits.append((c, motif))
    return plan


def reserver_serie(
    *,
    ressource: Ressource,
    creneaux: list[Creneau],
    frequence: str,
    intervalle: int,
    jusqu_au: datetime.date | None,
    nombre: int | None,
    titre: str,
    par,
    structure=None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    now=None,
) -> tuple[SerieReservations, list[Reservation], list[tuple[Creneau, str]]]:
    """Réserve tous les créneaux libres d'une série, en une transaction ; renvoie
    aussi ceux qui n'ont pas pu l'être (pris entre-temps, hors règles)."""
    now = now or timezone.now()
    faites: list[Reservation] = []
    ratees: list[tuple[Creneau, str]] = []
    with transaction.atomic():
        serie = SerieReservations.objects.create(
            frequence=frequence,
            intervalle=intervalle,
            jusqu_au=jusqu_au,
            occurrences=nombre,
            cree_par=par,
        )
        for c in creneaux:
            try:
                faites.append(
                    reserver(
                        ressource=ressource,
                        debut=c.debut,
                        fin=c.fin,
                        titre=titre,
                        par=par,
                        structure=structure,
                        externe=externe,
                        nb_personnes=nb_personnes,
                        serie=serie,
                        now=now,
                    )
                )
            except EspacesError as exc:
                ratees.append((c, str(exc)))
        if not faites:
            raise ConflitError("Aucun créneau de la série n'est libre : rien n'a été réservé.")
    return serie, faites, ratees


@dataclass
class AnnulationSerie:
    annulees: list[Reservation] = field(default_factory=list)
    # Occurrences inside the cancellation notice: left confirmed, the person is told which.
    bloquees: list[Reservation] = field(default_factory=list)


def annuler_serie(*, reservation: Reservation, a_partir: bool, par, now=None) -> AnnulationSerie:
    """Annule toute la série de `reservation`, ou cette occurrence et les suivantes.
    Les occurrences passées ou déjà annulées restent telles quelles ; celles qui sont dans le
    délai de préavis restent confirmées (sauf pour l'équipe de gestion) et sont signalées."""
    now = now or timezone.now()
    if reservation.serie_id is None:
        raise EspacesError("Cette réservation ne fait pas partie d'une série.")
    result = AnnulationSerie()
    with transaction.atomic():
        qs = Reservation.objects.select_for_update().filter(
            serie_id=reservation.serie_id, statut__in=Reservation.STATUTS_BLOQUANTS, debut__gt=now
        )
        if a_partir:
            qs = qs.filter(debut__gte=reservation.debut)
        for r in qs.select_related("ressource").order_by("debut"):
            try:
                result.annulees.append(annuler(reservation=r, par=par, now=now))
            except EspacesError:
                result.bloquees.append(r)
        if result.bloquees and not result.annulees:
            d = temps.paris(result.bloquees[0].debut)
            raise EspacesError(
                f"Rien n'est annulé : l'occurrence du {d:%d/%m/%Y à %H:%M} est dans le délai de "
                f"préavis ({result.bloquees[0].ressource.preavis_annulation_heures} h). "
                "Contactez l'équipe du PHARES."
            )
    return result
