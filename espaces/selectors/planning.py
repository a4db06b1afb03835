"""Plannings : blocs occupés et libres d'une salle pour un jour, une semaine, ou de toutes
les salles pour un jour ; à part, les demandes extérieures en attente (qui ne tiennent pas
le créneau : l'équipe les voit, les habitants voient le créneau libre)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from phares.lib import temps

from ..models import Reservation, Ressource
from .reservations import demandes_entre, reservations_entre, salles

# The "Réserver" link of a free block suggests an hour (at least the minimum duration),
# not the whole free afternoon, which would overrun the maximum duration.
DUREE_SUGGEREE = datetime.timedelta(hours=1)
QUART_D_HEURE = datetime.timedelta(minutes=15)


@dataclass
class Bloc:
    debut: datetime.datetime
    fin: datetime.datetime
    reservation: Reservation | None = None  # None = libre
    # Free block: end of the slot its booking link suggests; None when too short to book.
    fin_suggeree: datetime.datetime | None = None

    @property
    def libre(self) -> bool:
        return self.reservation is None

    @property
    def horaire(self) -> str:
        """« 10:00–11:00 », heures de Paris : ce qu'écrivaient deux filtres `time` par bloc
        (une journée de toutes les salles en compte une centaine)."""
        return f"{temps.paris(self.debut):%H:%M}–{temps.paris(self.fin):%H:%M}"


def _quart_suivant(moment: datetime.datetime) -> datetime.datetime:
    """Le quart d'heure plein suivant (ou `moment` s'il en est un) : les heures des
    formulaires n'ont pas de secondes, un lien à 15:05:37 proposerait 15:05, déjà passé."""
    local = temps.paris(moment)
    quart = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    return quart if quart == local else quart + QUART_D_HEURE


def _bloc_libre(ressource: Ressource, debut, fin) -> Bloc:
    minimum = datetime.timedelta(minutes=ressource.duree_min_minutes)
    maximum = datetime.timedelta(minutes=ressource.duree_max_minutes)
    fin_suggeree = min(fin, debut + min(max(DUREE_SUGGEREE, minimum), maximum))
    return Bloc(debut, fin, fin_suggeree=fin_suggeree if fin_suggeree - debut >= minimum else None)


def journee(
    ressource: Ressource,
    jour: datetime.date,
    reservations: list[Reservation],
    now: datetime.datetime | None = None,
) -> list[Bloc]:
    """Les blocs occupés et libres d'une ressource pour un jour, dans ses heures d'ouverture.
    Le temps déjà écoulé n'est pas proposé comme libre."""
    if jour.isoweekday() not in ressource.jours():
        return []
    now = now or timezone.now()
    ouverture = temps.aware(jour, ressource.heure_ouverture)
    fermeture = temps.aware(jour, ressource.heure_fermeture)
    blocs: list[Bloc] = []
    cursor = ouverture

    def libre(debut, fin):
        debut = max(debut, _quart_suivant(now))
        if fin > debut:
            blocs.append(_bloc_libre(ressource, debut, fin))

    for r in sorted(reservations, key=lambda r: r.debut):
        if r.fin_bloquee <= ouverture or r.debut >= fermeture:
            continue
        if r.debut > cursor:
            libre(cursor, r.debut)
        blocs.append(Bloc(max(r.debut, ouverture), min(r.fin, fermeture), r))
        cursor = max(cursor, r.fin_bloquee)
    if cursor < fermeture:
        libre(cursor, fermeture)
    return [b for b in blocs if b.fin > b.debut]


@dataclass
class Journee:
    jour: datetime.date
    blocs: list[Bloc]
    fermee: bool
    passee: bool
    # Pending outside requests of the day: shown to the staff, they hold nothing.
    demandes: list[Reservation] = field(default_factory=list)

    @property
    def prochain_libre(self) -> Bloc | None:
        """Le premier créneau libre qu'on peut réserver (« la prochaine heure libre »)."""
        return next((b for b in self.blocs if b.libre and b.fin_suggeree), None)


def _journee(ressource, jour, reservations, demandes, now) -> Journee:
    return Journee(
        jour=jour,
        blocs=journee(ressource, jour, reservations, now),
        fermee=jour.isoweekday() not in ressource.jours(),
        passee=temps.aware(jour, ressource.heure_fermeture) <= now,
        demandes=demandes,
    )


def _du_jour(rows: list[Reservation], jour: datetime.date) -> list[Reservation]:
    d, f = temps.day_bounds(jour)
    return [r for r in rows if r.debut < f and r.fin_bloquee > d]


def semaine(
    ressource: Ressource, lundi: datetime.date, *, avec_demandes: bool = False
) -> list[Journee]:
    """Sept jours de blocs pour une ressource : une requête (deux avec les demandes en
    attente, pour l'équipe)."""
    debut, _ = temps.day_bounds(lundi)
    _, fin = temps.day_bounds(lundi + datetime.timedelta(days=6))
    now = timezone.now()
    rows = list(reservations_entre([ressource], debut, fin))
    demandes = list(demandes_entre([ressource], debut, fin, now=now)) if avec_demandes else []
    result = []
    for i in range(7):
        jour = lundi + datetime.timedelta(days=i)
        result.append(
            _journee(ressource, jour, _du_jour(rows, jour), _du_jour(demandes, jour), now)
        )
    return result


def _par_ressource(rows) -> dict[int, list[Reservation]]:
    by_res: dict[int, list[Reservation]] = {}
    for r in rows:
        by_res.setdefault(r.ressource_id, []).append(r)
    return by_res


def jour_toutes_salles(
    jour: datetime.date, *, avec_demandes: bool = False
) -> list[tuple[Ressource, Journee]]:
    """Toutes les salles pour un jour : deux requêtes (trois avec les demandes en attente,
    pour l'équipe)."""
    ressources = list(salles())
    d, f = temps.day_bounds(jour)
    now = timezone.now()
    rows = _par_ressource(reservations_entre(ressources, d, f))
    demandes = _par_ressource(demandes_entre(ressources, d, f, now=now) if avec_demandes else [])
    return [
        (res, _journee(res, jour, rows.get(res.pk, []), demandes.get(res.pk, []), now))
        for res in ressources
    ]
