"""Le plan d'un étage à une date : chaque espace à sa place, avec son état ce jour-là
(bureau occupé et par qui, bureau libre, postes pris du co-travail, salle, autre), et les
espaces pas encore placés. Trois requêtes, quel que soit le nombre d'espaces ou de
conventions : les étages du bâtiment, les espaces de l'étage (avec leur ressource), leurs
conventions du jour (avec leur structure)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from phares.lib import dates

from ..models import Convention, Espace, Etage, TypeEspace

# The state of a space on the plan: its colour and, always, its words (legend, label).
OCCUPE = "occupe"
LIBRE = "libre"
COTRAVAIL = "cotravail"
SALLE = "salle"
AUTRE = "autre"

ETATS = {
    OCCUPE: "Bureau occupé (le nom de la structure est écrit dedans)",
    LIBRE: "Bureau libre",
    COTRAVAIL: "Co-travail (postes pris)",
    SALLE: "Salle de réunion ou de formation",
    AUTRE: "Autre espace",
}

SALLES = (TypeEspace.SALLE_REUNION, TypeEspace.SALLE_FORMATION)


@dataclass(frozen=True)
class EspaceDuPlan:
    espace: Espace
    etat: str
    occupants: list[str]  # structures' names, by desk for the coworking space
    postes_pris: int

    @property
    def libelle_etat(self) -> str:
        """Ce que dit la case, en plus du nom : jamais la couleur seule."""
        if self.etat == OCCUPE:
            return "Occupé par " + ", ".join(self.occupants)
        if self.etat == LIBRE:
            return "Libre"
        if self.etat == COTRAVAIL:
            return f"{self.postes_pris} / {self.espace.nb_postes} postes pris"
        return self.espace.get_type_display()

    @property
    def ressource_active(self):
        """La salle réservable de cet espace, s'il y en a une (lue avec l'espace)."""
        ressource = getattr(self.espace, "ressource", None)
        return ressource if ressource is not None and ressource.active else None


@dataclass(frozen=True)
class PlanEtage:
    etage: Etage
    etages: list[Etage]
    le: datetime.date
    places: list[EspaceDuPlan]
    non_places: list[EspaceDuPlan]

    @property
    def tous(self) -> list[EspaceDuPlan]:
        return sorted(self.places + self.non_places, key=lambda e: e.espace.nom.lower())

    @property
    def etats_presents(self) -> list[tuple[str, str]]:
        """La légende : les états qu'on voit sur ce plan, dans l'ordre de ETATS."""
        vus = {e.etat for e in self.places}
        return [(cle, libelle) for cle, libelle in ETATS.items() if cle in vus]


def etages() -> QuerySet[Etage]:
    return Etage.objects.select_related("batiment").order_by("batiment__nom", "niveau")


def _etat(espace: Espace, conventions: list[Convention]) -> EspaceDuPlan:
    noms = [c.structure.nom for c in conventions]
    if espace.type == TypeEspace.BUREAU:
        return EspaceDuPlan(espace, OCCUPE if conventions else LIBRE, noms, len(conventions))
    if espace.type == TypeEspace.COTRAVAIL:
        return EspaceDuPlan(espace, COTRAVAIL, noms, len(conventions))
    return EspaceDuPlan(espace, SALLE if espace.type in SALLES else AUTRE, [], 0)


def espaces_de_l_etage(etage: Etage) -> QuerySet[Espace]:
    """Les espaces non archivés de l'étage, par nom (un archivé n'est plus sur le plan)."""
    return Espace.objects.filter(etage=etage, archive=False).order_by("nom", "pk")


def plan_etage(pk: int, *, le: datetime.date) -> PlanEtage | None:
    """Le plan de l'étage `pk` le jour `le`, ou None si l'étage n'existe pas."""
    tous = list(etages())
    etage = next((e for e in tous if e.pk == pk), None)
    if etage is None:
        return None
    actives = (
        Convention.objects.filter(dates.active_on(le))
        .select_related("structure")
        .order_by("poste", "debut", "pk")
    )
    espaces = (
        espaces_de_l_etage(etage)
        .select_related("ressource")
        .prefetch_related(Prefetch("conventions", queryset=actives, to_attr="actives"))
    )
    places, non_places = [], []
    for espace in espaces:
        (places if espace.plan else non_places).append(_etat(espace, espace.actives))
    return PlanEtage(etage=etage, etages=tous, le=le, places=places, non_places=non_places)
