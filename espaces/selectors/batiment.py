"""Lectures sur le bâtiment : occupation des bureaux et du co-travail, comptes d'espaces."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Sum

from phares.lib import dates

from ..models import TYPES_OCCUPES, Batiment, Convention, Espace, TypeEspace


def batiment() -> Batiment | None:
    return Batiment.objects.prefetch_related("etages").first()


def conventions_actives(*, le: datetime.date) -> QuerySet[Convention]:
    return Convention.objects.filter(dates.active_on(le)).select_related("structure", "espace")


def conventions_se_terminant(*, le: datetime.date, jours: int = 90) -> QuerySet[Convention]:
    """Les conventions qui prennent fin entre `le` et `jours` jours plus tard (inclus), la plus
    proche d'abord, sauf celles qui ont déjà une suite : une convention de la même structure
    sur le même bureau ou poste commence après leur fin (une prolongation)."""
    return conventions_finissant_entre(le, le + datetime.timedelta(days=jours))


def conventions_finissant_entre(du: datetime.date, au: datetime.date) -> QuerySet[Convention]:
    """Les conventions sans suite dont le dernier jour tombe dans [du, au] (inclus), la plus
    proche d'abord (une requête)."""
    suite = Convention.objects.filter(
        structure=OuterRef("structure"),
        espace=OuterRef("espace"),
        poste=OuterRef("poste"),
        debut__gt=OuterRef("fin"),
    )
    return (
        Convention.objects.filter(fin__gte=du, fin__lte=au)
        .exclude(Exists(suite))
        .select_related("structure", "espace")
        .order_by("fin", F("espace__nom"), "poste", "pk")
    )


@dataclass(frozen=True)
class MoisDEcheances:
    mois: datetime.date  # the 1st of the month
    conventions: list[Convention]

    @property
    def total_ht(self) -> Decimal:
        """Loyers mensuels HT des conventions qui finissent ce mois-là."""
        return sum((c.montant_mensuel_ht for c in self.conventions), Decimal("0.00"))


@dataclass(frozen=True)
class Echeancier:
    du: datetime.date
    au: datetime.date
    mois: list[MoisDEcheances]

    @property
    def total_ht(self) -> Decimal:
        return sum((m.total_ht for m in self.mois), Decimal("0.00"))

    @property
    def nombre(self) -> int:
        return sum(len(m.conventions) for m in self.mois)


def echeancier(*, le: datetime.date, mois: int = 12) -> Echeancier:
    """Les fins de convention sans suite de `le` à la fin du `mois`-ième mois (celui de `le`
    compris), groupées par mois, chaque mois présent même vide (une requête)."""
    premiers = [_mois_plus(le.replace(day=1), n) for n in range(mois)]
    au = _mois_plus(premiers[-1], 1) - datetime.timedelta(days=1)
    par_mois: dict[datetime.date, list[Convention]] = {p: [] for p in premiers}
    for c in conventions_finissant_entre(le, au):
        par_mois[c.fin.replace(day=1)].append(c)
    return Echeancier(le, au, [MoisDEcheances(p, cs) for p, cs in par_mois.items()])


def _mois_plus(premier: datetime.date, n: int) -> datetime.date:
    rang = premier.year * 12 + premier.month - 1 + n
    return datetime.date(rang // 12, rang % 12 + 1, 1)


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


@dataclass(frozen=True)
class BureauLibre:
    nom: str
    slug: str
    etage: str
    surface_m2: Decimal | None


@dataclass(frozen=True)
class BureauxEtPostesLibres:
    """Ce que le tableau de bord dit de l'occupation d'un jour, compté comme `occupation`."""

    bureaux: list[BureauLibre]  # by floor, then name
    postes: int  # coworking desks
    postes_occupes: int
    nb_cotravail: int  # coworking areas

    @property
    def postes_libres(self) -> int:
        return self.postes - self.postes_occupes


def bureaux_et_postes_libres(*, le: datetime.date) -> BureauxEtPostesLibres:
    """Les bureaux libres et les postes de co-travail le jour `le`, en une requête de
    valeurs : `occupation` lit chaque espace, chaque convention et sa structure en objets
    (quelques centaines) pour la page du bâtiment, le tableau de bord n'en garde que ceci."""
    # One join and GROUP BY: a correlated count per space scanned the agreements 200 times.
    actives = dates.active_on(le, start="conventions__debut", end="conventions__fin")
    lignes = (
        Espace.objects.filter(archive=False, type__in=(TypeEspace.BUREAU, TypeEspace.COTRAVAIL))
        .annotate(occupes=Count("conventions", filter=actives))
        .order_by("etage__niveau", "nom")
        .values_list("type", "nom", "slug", "etage__nom", "surface_m2", "nb_postes", "occupes")
    )
    bureaux, postes, postes_occupes, nb_cotravail = [], 0, 0, 0
    for type_, nom, slug, etage, surface, nb_postes, occupes in lignes:
        if type_ == TypeEspace.COTRAVAIL:
            nb_cotravail += 1
            postes += nb_postes or 0
            postes_occupes += occupes
        elif not occupes:
            bureaux.append(BureauLibre(nom, slug, etage, surface))
    return BureauxEtPostesLibres(bureaux, postes, postes_occupes, nb_cotravail)


def espaces_de(structure, *, le: datetime.date) -> QuerySet[Convention]:
    """Bureaux et postes que `structure` occupe le jour `le`."""
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


# --- Pour le rapport annuel ------------------------------------------------------------------


@dataclass(frozen=True)
class EspaceInventorie:
    pk: int
    nom: str
    type: str
    nb_postes: int
    surface_m2: Decimal | None


def inventaire() -> list[EspaceInventorie]:
    """Les espaces non archivés, par étage puis par nom (une requête). Les espaces n'ont pas
    de dates : un espace archivé sort de tous les rapports, un espace ajouté y entre."""
    return [
        EspaceInventorie(pk, nom, type_, nb_postes or 0, surface)
        for pk, nom, type_, nb_postes, surface in Espace.objects.filter(archive=False)
        .order_by("etage__niveau", "nom")
        .values_list("pk", "nom", "type", "nb_postes", "surface_m2")
    ]


def conventions_entre(
    debut: datetime.date, fin: datetime.date
) -> list[tuple[int, int, datetime.date, datetime.date | None]]:
    """(espace, poste, début, fin) des conventions en cours un jour au moins de [debut, fin]
    (bornes incluses ; une requête, quelle que soit la période)."""
    return list(
        Convention.objects.filter(dates.overlapping(debut, fin)).values_list(
            "espace_id", "poste", "debut", "fin"
        )
    )
