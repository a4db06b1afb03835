"""Encarts qu'une app ajoute aux pages d'une autre sans que celle-ci l'importe.

`habitants` ne dépend pas d'`espaces` ; pourtant la fiche d'une structure montre ses
bureaux et ses réservations. `espaces` enregistre donc un encart pour l'emplacement
« structure » (dans son AppConfig.ready) et la vue de `habitants` appelle `collect()`.
"""

from __future__ import annotations

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
