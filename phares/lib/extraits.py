"""Les premiers éléments d'une liste et leur nombre total, en une requête.

Les cartes du tableau de bord montrent cinq éléments et « 31 demandes en attente » : deux
requêtes (la tranche, puis COUNT) pour chaque carte. Ici, une seule : COUNT(*) OVER () est
calculé sur toutes les lignes retenues, avant la coupe (LIMIT), et chaque ligne le porte.
Même nombre de requêtes quelle que soit la quantité de données."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Window

# An annotation name no model of PHARES uses.
_TOTAL = "phares_total_extrait"


def premiers_et_total(qs: QuerySet, limite: int) -> tuple[list, int]:
    """Les `limite` premiers éléments de `qs` (dans son ordre) et combien `qs` en compte."""
    if qs.query.distinct or qs.query.group_by is not None or qs.query.combinator:
        # A window over DISTINCT or grouped rows would not count what count() counts.
        return list(qs[:limite]), qs.count()
    elements = list(qs.annotate(**{_TOTAL: Window(Count("pk"))})[:limite])
    return elements, getattr(elements[0], _TOTAL) if elements else 0
