"""Ce que le public voit d'une salle un jour, sur le formulaire de demande : des heures
libres et occupées, jamais qui l'occupe ni pour quoi. Une requête, qui ne lit que les
heures des réservations confirmées (une demande en attente ne retient rien : voir
docs/decisions.md, « Demandes extérieures »)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from phares.lib import temps

from ..models import Reservation, Ressource

LIBRE, OCCUPE, PASSE = "libre", "occupe", "passe"


@dataclass(frozen=True)
class Plage:
    debut: datetime.datetime
    fin: datetime.datetime
    etat: str  # LIBRE, OCCUPE or PASSE

    @property
    def libre(self) -> bool:
        return self.etat == LIBRE


@dataclass(frozen=True)
class Disponibilites:
    ressource: Ressource
    jour: datetime.date
    fermee: bool
    plages: tuple[Plage, ...]
    # [debut, fin_bloquee[ of what holds the room (battement included), merged and in order.
    occupations: tuple[tuple[datetime.datetime, datetime.datetime], ...]

    def occupe(self, debut: datetime.datetime, fin_bloquee: datetime.datetime) -> bool:
        """Une partie de [debut, fin_bloquee[ est-elle tenue par une réservation confirmée ?"""
        return any(d < fin_bloquee and f > debut for d, f in self.occupations)


def _fusionnees(intervalles) -> list[tuple[datetime.datetime, datetime.datetime]]:
    fusion: list[list[datetime.datetime]] = []
    for d, f in sorted(intervalles):
        if fusion and d <= fusion[-1][1]:
            fusion[-1][1] = max(fusion[-1][1], f)
        else:
            fusion.append([d, f])
    return [(d, f) for d, f in fusion]


def _libres_ou_passees(debut, fin, now) -> list[Plage]:
    """[debut, fin[ libre, la part déjà écoulée dite « passée »."""
    plages = []
    if debut < min(fin, now):
        plages.append(Plage(debut, min(fin, now), PASSE))
    if max(debut, now) < fin:
        plages.append(Plage(max(debut, now), fin, LIBRE))
    return plages


def disponibilites(
    ressource: Ressource, jour: datetime.date, *, now: datetime.datetime | None = None
) -> Disponibilites:
    """Les plages libres, occupées (battement compris : on ne peut pas y réserver) et
    passées de `ressource` le `jour` de Paris, dans ses heures d'ouverture."""
    now = now or timezone.now()
    if jour.isoweekday() not in ressource.jours():
        return Disponibilites(ressource, jour, True, (), ())
    ouverture = temps.aware(jour, ressource.heure_ouverture)
    fermeture = temps.aware(jour, ressource.heure_fermeture)
    # Only the hours: nothing else of a booking leaves the database for this page.
    heures = (
        Reservation.objects.confirmees()
        .filter(ressource=ressource)
        .chevauchant(ouverture, fermeture)
        .values_list("debut", "fin_bloquee")
    )
    occupations = _fusionnees(heures)
    plages: list[Plage] = []
    curseur = ouverture
    for d, f in occupations:
        d, f = max(d, ouverture), min(f, fermeture)
        if d > curseur:
            plages += _libres_ou_passees(curseur, d, now)
        plages.append(Plage(d, f, OCCUPE))
        curseur = max(curseur, f)
    if curseur < fermeture:
        plages += _libres_ou_passees(curseur, fermeture, now)
    return Disponibilites(ressource, jour, False, tuple(plages), tuple(occupations))
