"""Lectures sur le bâtiment et les réservations, pour les vues et pour le rapport."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from habitants.models import Structure
from habitants.selectors import structures_of_member
from phares.lib import dates, temps

from .models import (
    TYPES_OCCUPES,
    Batiment,
    Consommation,
    Convention,
    Espace,
    Reservation,
    Ressource,
    TypeEspace,
)

# --- Occupation du bâtiment -------------------------------------------------------


def batiment() -> Batiment | None:
    return Batiment.objects.prefetch_related("etages").first()


def conventions_actives(*, le: datetime.date) -> QuerySet[Convention]:
    return Convention.objects.filter(dates.active_on(le)).select_related("structure", "espace")


@dataclass
class OccupationEspace:
    espace: Espace
    conventions: list[Convention]

    @property
    def libre(self) -> bool:
        if self.espace.type == TypeEspace.COTRAVAIL:
            return len(self.conventions) < (self.espace.nb_postes or 0)
        return not self.conventions

    @property
    def postes_occupes(self) -> int:
        return len(self.conventions)


@dataclass
class Occupation:
    le: datetime.date
    espaces: list[OccupationEspace] = field(default_factory=list)

    @property
    def bureaux(self) -> list[OccupationEspace]:
        return [o for o in self.espaces if o.espace.type == TypeEspace.BUREAU]

    @property
    def cotravail(self) -> list[OccupationEspace]:
        return [o for o in self.espaces if o.espace.type == TypeEspace.COTRAVAIL]

    @property
    def bureaux_libres(self) -> list[OccupationEspace]:
        return [o for o in self.bureaux if o.libre]

    @property
    def surface_bureaux(self) -> Decimal:
        return sum((o.espace.surface_m2 or Decimal(0) for o in self.bureaux), Decimal(0))

    @property
    def surface_occupee(self) -> Decimal:
        return sum(
            (o.espace.surface_m2 or Decimal(0) for o in self.bureaux if not o.libre), Decimal(0)
        )

    @property
    def taux_m2(self) -> Decimal | None:
        if not self.surface_bureaux:
            return None
        return (self.surface_occupee * 100 / self.surface_bureaux).quantize(Decimal("0.1"))

    @property
    def postes(self) -> int:
        return sum(o.espace.nb_postes or 0 for o in self.cotravail)

    @property
    def postes_occupes(self) -> int:
        return sum(o.postes_occupes for o in self.cotravail)

    @property
    def taux_postes(self) -> Decimal | None:
        if not self.postes:
            return None
        return (Decimal(self.postes_occupes) * 100 / self.postes).quantize(Decimal("0.1"))


def occupation(*, le: datetime.date) -> Occupation:
    """Qui occupe quel bureau ou poste le jour `le` (deux requêtes, quelle que soit la taille)."""
    actives = Convention.objects.filter(dates.active_on(le)).select_related("structure")
    espaces = (
        Espace.objects.filter(archive=False, type__in=TYPES_OCCUPES)
        .select_related("etage")
        .prefetch_related(Prefetch("conventions", queryset=actives, to_attr="actives"))
        .order_by("etage__niveau", "nom")
    )
    return Occupation(le=le, espaces=[OccupationEspace(e, list(e.actives)) for e in espaces])


def espaces_de(structure: Structure, *, le: datetime.date) -> QuerySet[Convention]:
    return conventions_actives(le=le).filter(structure=structure).select_related("espace__etage")


def compte_espaces() -> dict[str, int]:
    """Nombre d'espaces non archivés par type (et postes de co-travail)."""
    counts = {t: 0 for t in TypeEspace.values}
    for t in Espace.objects.filter(archive=False).values_list("type", flat=True):
        counts[t] += 1
    counts["postes_cotravail"] = (
        Espace.objects.filter(archive=False, type=TypeEspace.COTRAVAIL).aggregate(
            n=Sum("nb_postes")
        )["n"]
        or 0
    )
    return counts


def consommations(structures) -> QuerySet[Consommation]:
    """Consommations des `structures`, la plus récente d'abord."""
    return (
        Consommation.objects.filter(structure__in=structures)
        .select_related("structure", "saisi_par")
        .order_by("-date", "-pk")
    )


# --- Réservations ------------------------------------------------------------------


def salles() -> QuerySet[Ressource]:
    return (
        Ressource.objects.filter(categorie=Ressource.Categorie.SALLE, active=True)
        .select_related("espace__etage")
        .order_by("espace__etage__niveau", "nom")
    )


def velos() -> QuerySet[Ressource]:
    """Le parc de vélos réservables (ils partagent les mêmes règles)."""
    return Ressource.objects.filter(categorie=Ressource.Categorie.VELO, active=True).order_by("nom")


def demandes_en_attente() -> QuerySet[Reservation]:
    """Demandes extérieures que l'équipe doit accepter ou refuser."""
    return Reservation.objects.demandes_en_attente(timezone.now())


def reservations_entre(
    ressources, debut: datetime.datetime, fin: datetime.datetime, *, now=None
) -> QuerySet[Reservation]:
    """Ce qui bloque ces ressources sur [debut, fin[. Une demande en attente dont la date
    limite est passée ne bloque plus (le service l'expire à la réservation suivante)."""
    return (
        Reservation.objects.tenant_le_creneau(now or timezone.now())
        .filter(ressource__in=ressources)
        .chevauchant(debut, fin)
        .select_related("structure", "externe", "ressource")
        .order_by("debut")
    )


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


def _journee(ressource, jour, reservations, now) -> Journee:
    return Journee(
        jour=jour,
        blocs=journee(ressource, jour, reservations, now),
        fermee=jour.isoweekday() not in ressource.jours(),
        passee=temps.aware(jour, ressource.heure_fermeture) <= now,
    )


def semaine(ressource: Ressource, lundi: datetime.date) -> list[Journee]:
    """Sept jours de blocs pour une ressource : une requête."""
    debut, _ = temps.day_bounds(lundi)
    _, fin = temps.day_bounds(lundi + datetime.timedelta(days=6))
    now = timezone.now()
    rows = list(reservations_entre([ressource], debut, fin, now=now))
    result = []
    for i in range(7):
        jour = lundi + datetime.timedelta(days=i)
        d, f = temps.day_bounds(jour)
        du_jour = [r for r in rows if r.debut < f and r.fin_bloquee > d]
        result.append(_journee(ressource, jour, du_jour, now))
    return result


def jour_toutes_salles(jour: datetime.date) -> list[tuple[Ressource, Journee]]:
    """Toutes les salles pour un jour : deux requêtes."""
    ressources = list(salles())
    d, f = temps.day_bounds(jour)
    now = timezone.now()
    rows = list(reservations_entre(ressources, d, f, now=now))
    by_res: dict[int, list[Reservation]] = {}
    for r in rows:
        by_res.setdefault(r.ressource_id, []).append(r)
    return [(res, _journee(res, jour, by_res.get(res.pk, []), now)) for res in ressources]


def structures_reservantes(user, *, le: datetime.date) -> QuerySet[Structure]:
    """Structures pour lesquelles `user` peut réserver : celles dont il est membre actif
    et qui sont présentes dans le lieu."""
    return structures_of_member(user, le=le).presentes(le).order_by("nom")


def reservations_visibles(user, *, staff: bool) -> QuerySet[Reservation]:
    """Ce que `user` peut ouvrir en détail : tout pour l'équipe, sinon celles de ses structures
    (non archivées : comme « Mon espace », une structure archivée n'a plus d'accès)."""
    qs = Reservation.objects.select_related("ressource", "structure", "externe", "par", "serie")
    if staff:
        return qs
    return qs.filter(structure__in=structures_of_member(user))
