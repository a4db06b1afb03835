"""Lire un entier dans les paramètres d'une URL (`?annee=`, `?reservation=`…)."""

from __future__ import annotations

# An `id` column (PostgreSQL integer): above this, the database refuses the lookup.
PK_MAX = 2**31 - 1


def entier(brut: str | None, maximum: int = PK_MAX) -> int | None:
    """L'entier écrit en chiffres (0-9) dans `brut`, s'il ne dépasse pas `maximum` ; sinon
    None. `str.isdigit` seul ne suffit pas : « ² » est un chiffre pour lui, pas pour `int`."""
    brut = brut or ""
    if not (brut.isascii() and brut.isdigit()) or len(brut) > len(str(maximum)):
        return None
    valeur = int(brut)
    return valeur if valeur <= maximum else None
