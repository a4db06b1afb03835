"""Lectures sur le bâtiment et les réservations, pour les vues et pour le rapport."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from habitants.models import Membre, Structure
from phares.lib import dates, temps

from .models import Batiment, Convention, Espace, Reservation, Ressource, TypeEspace

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
        Espace.objects.filter(archive=False, type__in=[TypeEspace.BUREAU, TypeEspace.COTRAVAIL])
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


# --- Réservations ------------------------------------------------------------------


def salles() -> QuerySet[Ressource]:
    return (
        Ressource.objects.filter(categorie=Ressource.Categorie.SALLE, active=True)
        .select_related("espace__etage")
        .order_by("espace__etage__niveau", "nom")
    )


def reservations_entre(
    ressources, debut: datetime.datetime, fin: datetime.datetime
) -> QuerySet[Reservation]:
    return (
        Reservation.objects.bloquantes()
        .filter(ressource__in=ressources, debut__lt=fin, fin_bloquee__gt=debut)
        .select_related("structure", "externe", "ressource")
        .order_by("debut")
    )


@dataclass
class Bloc:
    debut: datetime.datetime
    fin: datetime.datetime
    reservation: Reservation | None = None  # None = libre

    @property
    def libre(self) -> bool:
        return self.reservation is None


def journee(
    ressource: Ressource, jour: datetime.date, reservations: list[Reservation]
) -> list[Bloc]:
    """Les blocs occupés et libres d'une ressource pour un jour, dans ses heures d'ouverture."""
    if jour.isoweekday() not in ressource.jours():
        return []
    ouverture = temps.aware(jour, ressource.heure_ouverture)
    fermeture = temps.aware(jour, ressource.heure_fermeture)
    blocs: list[Bloc] = []
    cursor = ouverture
    for r in sorted(reservations, key=lambda r: r.debut):
        if r.fin_bloquee <= ouverture or r.debut >= fermeture:
            continue
        if r.debut > cursor:
            blocs.append(Bloc(cursor, r.debut))
        blocs.append(Bloc(max(r.debut, ouverture), min(r.fin, fermeture), r))
        cursor = max(cursor, r.fin_bloquee)
    if cursor < fermeture:
        blocs.append(Bloc(cursor, fermeture))
    return [b for b in blocs if b.fin > b.debut]


def semaine(ressource: Ressource, lundi: datetime.date) -> list[tuple[datetime.date, list[Bloc]]]:
    """Sept jours de blocs pour une ressource : une requête."""
    debut, _ = temps.day_bounds(lundi)
    _, fin = temps.day_bounds(lundi + datetime.timedelta(days=6))
    rows = list(reservations_entre([ressource], debut, fin))
    result = []
    for i in range(7):
        jour = lundi + datetime.timedelta(days=i)
        d, f = temps.day_bounds(jour)
        result.append(
            (jour, journee(ressource, jour, [r for r in rows if r.debut < f and r.fin_bloquee > d]))
        )
    return result


def jour_toutes_salles(jour: datetime.date) -> list[tuple[Ressource, list[Bloc]]]:
    """Toutes les salles pour un jour : deux requêtes."""
    ressources = list(salles())
    d, f = temps.day_bounds(jour)
    rows = list(reservations_entre(ressources, d, f))
    by_res: dict[int, list[Reservation]] = {}
    for r in rows:
        by_res.setdefault(r.ressource_id, []).append(r)
    return [(res, journee(res, jour, by_res.get(res.pk, []))) for res in ressources]


def structures_reservantes(user, *, le: datetime.date) -> QuerySet[Structure]:
    """Structures pour lesquelles `user` peut réserver : celles dont il est membre actif
    et qui sont présentes dans le lieu."""
    return (
        Structure.objects.actives()
        .presentes(le)
        .filter(membres__in=Membre.objects.actifs(le).filter(user=user))
        .distinct()
        .order_by("nom")
    )


def reservations_visibles(user, *, staff: bool) -> QuerySet[Reservation]:
    """Ce que `user` peut ouvrir en détail : tout pour l'équipe, sinon celles de ses structures."""
    qs = Reservation.objects.select_related("ressource", "structure", "externe", "par", "serie")
    if staff:
        return qs
    return qs.filter(structure__membres__in=Membre.objects.actifs().filter(user=user)).distinct()
