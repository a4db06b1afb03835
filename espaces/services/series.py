"""Séries de réservations (quotidiennes, hebdomadaires, mensuelles) : créneaux, plan des
créneaux libres et pris, réservation et annulation de la série (une opération chacune :
une entrée au journal, un e-mail)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from phares.lib import journal, temps
from phares.lib.acteur import Acteur, exiger

from .. import selectors
from ..models import ClientExterne, Reservation, Ressource, SerieReservations
from ._erreurs import ConflitError, EspacesError
from .modifications import marquer_annulees, refus_annulation, verifier_droit_d_annuler
from .reservations import (
    Occupation,
    Situation,
    creer,
    motif_de_refus,
    pour_qui,
    prevenir,
    verifier_beneficiaire,
    verifier_droit,
    verifier_prix_accepte,
)


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
    jours: set[int] | None = None,
) -> list[Creneau]:
    """Les créneaux d'une série, à heure murale constante (9 h reste 9 h après le
    changement d'heure). Un jour qui n'existe pas (31 d'un mois court) est sauté.
    `jours` : les jours d'ouverture de la salle (1 = lundi … 7 = dimanche) ; une série
    quotidienne saute les autres sans les compter (« 10 fois » = dix jours d'ouverture) : un
    week-end fermé n'est pas un conflit, c'est un jour où l'on ne réserve pas."""
    d0, f0 = temps.paris(debut), temps.paris(fin)
    _verifier_bornes(d0.date(), intervalle=intervalle, jusqu_au=jusqu_au, nombre=nombre)
    sauter_fermes = frequence == SerieReservations.Frequence.QUOTIDIENNE and jours is not None
    result: list[Creneau] = []
    # Skipped days (31st of a short month, closed days) are steps too: bound the loop by
    # the longest series of skips (a room open one day a week).
    for k in range(MAX_OCCURRENCES * (7 if sauter_fermes else 2)):
        if nombre is not None and len(result) >= nombre:
            break
        jour = _nieme(d0.date(), frequence, intervalle * k)
        if jour is None:
            continue
        if jusqu_au is not None and jour > jusqu_au:
            break
        if sauter_fermes and jour.isoweekday() not in jours:
            continue
        result.append(Creneau(temps.aware(jour, d0.time()), temps.aware(jour, f0.time())))
    if len(result) > MAX_OCCURRENCES:
        raise EspacesError(
            f"Une série compte {MAX_OCCURRENCES} réservations au plus : raccourcissez-la."
        )
    return result


def _verifier_bornes(premier: datetime.date, *, intervalle: int, jusqu_au, nombre) -> None:
    if (jusqu_au is None) == (nombre is None):
        raise EspacesError("Indiquez une date de fin de série ou un nombre de fois, pas les deux.")
    if intervalle < 1:
        raise EspacesError("L'intervalle est d'au moins 1.")
    if nombre is not None and not 1 <= nombre <= MAX_OCCURRENCES:
        raise EspacesError(f"Une série compte de 1 à {MAX_OCCURRENCES} réservations.")
    if jusqu_au is not None and jusqu_au < premier:
        raise EspacesError("La fin de la série précède sa première date.")


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
    """Sépare les créneaux réservables de ceux qui ne le sont pas (avec la raison). Les
    réservations de la ressource sur toute la série sont lues une fois."""
    now = now or timezone.now()
    plan = PlanSerie()
    if not creneaux:
        return plan
    occupation = Occupation.lire(ressource, [(c.debut, c.fin) for c in creneaux])
    for c in creneaux:
        motif = motif_de_refus(
            ressource,
            c.debut,
            c.fin,
            nb_personnes,
            now=now,
            externe=externe,
            occupation=occupation,
        )
        if motif is None:
            plan.libres.append(c)
        else:
            plan.conflits.append((c, motif))
    return plan


def _decrire_serie(serie: SerieReservations, faites: list[Reservation]) -> str:
    premiere, derniere = temps.paris(faites[0].debut), temps.paris(faites[-1].debut)
    n = len(faites)
    return (
        f"{n} réservation{'s' * (n > 1)} de {faites[0].ressource}, "
        f"{serie.get_frequence_display().lower()}, du {premiere:%d/%m/%Y} au "
        f"{derniere:%d/%m/%Y}, de {premiere:%H:%M} à {temps.paris(faites[0].fin):%H:%M}, "
        f"pour {pour_qui(faites[0])}"
    )


def reserver_serie(
    *,
    ressource: Ressource,
    creneaux: list[Creneau],
    frequence: str,
    intervalle: int,
    jusqu_au: datetime.date | None,
    nombre: int | None,
    titre: str,
    par: Acteur,
    structure=None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    prix_accepte: Decimal | None = None,
    now=None,
) -> tuple[SerieReservations, list[Reservation], list[tuple[Creneau, str]]]:
    """Réserve tous les créneaux libres d'une série, en une transaction ; renvoie
    aussi ceux qui n'ont pas pu l'être (pris entre-temps, hors règles). Une entrée au
    journal et un e-mail pour toute la série. `prix_accepte` : le TTC de toute la série que
    la personne a accepté ; au-delà, PrixError et rien n'est réservé."""
    par = exiger(par)
    now = now or timezone.now()
    verifier_beneficiaire(structure, externe)
    verifier_droit(par, structure=structure, externe=externe)
    creneaux = sorted(creneaux, key=lambda c: c.debut)
    if not creneaux:
        raise ConflitError("Aucun créneau de la série n'est libre : rien n'a été réservé.")
    faites: list[Reservation] = []
    ratees: list[tuple[Creneau, str]] = []
    with transaction.atomic():
        # Every month of the series at once, in ascending order: two series of the same
        # structure cannot each hold a month the other waits for. Read once for all the
        # occurrences: the bookings holding the room, the allowances and the tariffs.
        situation = Situation.lire(
            ressource,
            [(c.debut, c.fin) for c in creneaux],
            structure=structure,
            externe=externe is not None,
        )
        serie = SerieReservations.objects.create(
            frequence=frequence,
            intervalle=intervalle,
            jusqu_au=jusqu_au,
            occurrences=nombre,
            cree_par=par.user,
        )
        for c in creneaux:
            try:
                faites.append(
                    creer(
                        ressource=ressource,
                        debut=c.debut,
                        fin=c.fin,
                        titre=titre,
                        par=par,
                        now=now,
                        structure=structure,
                        externe=externe,
                        nb_personnes=nb_personnes,
                        serie=serie,
                        situation=situation,
                    )
                )
            except EspacesError as exc:
                ratees.append((c, str(exc)))
        if not faites:
            raise ConflitError("Aucun créneau de la série n'est libre : rien n'a été réservé.")
        verifier_prix_accepte(sum((r.montant.ttc for r in faites), Decimal(0)), prix_accepte)
        libelle = f"Série de {_decrire_serie(serie, faites)}"
        if ratees:
            n, pluriel = len(ratees), len(ratees) > 1
            libelle += f" ({n} créneau{'x' * pluriel} non réservé{'s' * pluriel})"
        journal.journaliser(
            par=par,
            operation="serie.creer",
            libelle=libelle,
            objet=serie,
            structure=structure,
            changements=journal.creation(faites[0], ("ressource", "titre", "nb_personnes"))
            | {"réservations": ("—", str(len(faites)))},
        )
        prevenir(faites[0], "confirmee", serie=faites)
    return serie, faites, ratees


@dataclass
class AnnulationSerie:
    annulees: list[Reservation] = field(default_factory=list)
    # Occurrences inside the cancellation notice: left confirmed, the person is told which.
    bloquees: list[Reservation] = field(default_factory=list)


def annuler_serie(
    *, reservation: Reservation, a_partir: bool, par: Acteur, now=None
) -> AnnulationSerie:
    """Annule toute la série de `reservation`, ou cette occurrence et les suivantes.
    Les occurrences passées ou déjà annulées restent telles quelles ; celles qui sont dans le
    délai de préavis restent confirmées (sauf pour l'équipe de gestion) et sont signalées.
    Une entrée au journal et un e-mail pour toutes les occurrences annulées."""
    par = exiger(par)
    now = now or timezone.now()
    if reservation.serie_id is None:
        raise EspacesError("Cette réservation ne fait pas partie d'une série.")
    verifier_droit_d_annuler(par, reservation)
    result = AnnulationSerie()
    with transaction.atomic():
        qs = selectors.occurrences_a_annuler(reservation, a_partir=a_partir, now=now)
        # Locked and read once, checked in memory, cancelled in one write.
        for r in qs.select_for_update(of=("self",)):
            if refus_annulation(r, par, now) is None:
                result.annulees.append(r)
            else:
                result.bloquees.append(r)
        if result.bloquees and not result.annulees:
            premiere = result.bloquees[0]
            preavis = premiere.ressource.preavis_annulation_heures
            raise EspacesError(
                f"Rien n'est annulé : l'occurrence du {temps.creneau_lisible(premiere.debut)} "
                f"est dans le délai de préavis ({preavis} h). Contactez l'équipe du PHARES."
            )
        if result.annulees:
            marquer_annulees(result.annulees, par, now)
            _journaliser_annulation(reservation, result, a_partir, par)
            prevenir(result.annulees[0], "annulee", serie=result.annulees)
    return result


def _journaliser_annulation(
    reservation: Reservation, result: AnnulationSerie, a_partir: bool, par: Acteur
) -> None:
    n = len(result.annulees)
    premiere = temps.paris(result.annulees[0].debut)
    libelle = (
        f"Série annulée{f' à partir du {premiere:%d/%m/%Y}' if a_partir else ''} : "
        f"{n} réservation{'s' * (n > 1)} de {reservation.ressource} pour {pour_qui(reservation)}"
    )
    if result.bloquees:
        gardees = ", ".join(f"{temps.paris(b.debut):%d/%m/%Y}" for b in result.bloquees)
        libelle += f" ; gardée{'s' * (len(result.bloquees) > 1)} (préavis) : {gardees}"
    journal.journaliser(
        par=par,
        operation="serie.annuler",
        libelle=libelle,
        objet=reservation.serie,
        structure=reservation.structure,
        changements={"réservations annulées": ("—", str(n))},
    )
