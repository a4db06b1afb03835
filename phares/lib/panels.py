"""Ce qu'une app ajoute aux pages d'une autre sans que celle-ci l'importe.

Les dépendances vont dans un seul sens (voir docs/decisions.md, « Couches ») : `habitants`
n'importe ni `espaces` ni `gouvernance`. Pourtant la fiche d'une structure montre ses
bureaux et ses réservations, et la liste des structures marque les associées de la SCIC.
L'app du dessus s'enregistre donc ici dans son AppConfig.ready(), et l'app du dessous lit
ce registre :

- un **encart** (`Panel`) est un morceau de page rendu avec son propre gabarit ;
- une **qualité** (`Qualite`) est un statut daté qu'une structure a ou n'a pas (associée
  de la SCIC…) : la liste des structures en fait un filtre et une colonne, la fiche un badge.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


_registry: dict[str, list[Callable[..., Panel | None]]] = defaultdict(list)


def register(slot: str, provider: Callable[..., Panel | None]) -> None:
    if provider not in _registry[slot]:
        _registry[slot].append(provider)


def collect(slot: str, **kwargs) -> list[Panel]:
    panels = (provider(**kwargs) for provider in _registry[slot])
    return [p for p in panels if p is not None]


@dataclass(frozen=True)
class Qualite:
    code: str  # parameter name of the list filter, e.g. "associee"
    libelle: str  # "Associée de la SCIC"
    # The ids of the structures that have this quality on a date.
    structures: Callable[[datetime.date], set[int]]
    # Whether one structure has it on a date (its page), if the app answers that more
    # cheaply than with every structure's id.
    de_la_structure: Callable[[Any, datetime.date], bool] | None = None

    def tenue_par(self, structure, le: datetime.date) -> bool:
        if self.de_la_structure is not None:
            return self.de_la_structure(structure, le)
        return structure.pk in self.structures(le)


_qualites: dict[str, Qualite] = {}


def register_qualite(qualite: Qualite) -> None:
    _qualites[qualite.code] = qualite


def qualites() -> list[Qualite]:
    return list(_qualites.values())
