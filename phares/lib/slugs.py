from collections.abc import Callable, Collection

from django.utils.text import slugify


def slug_libre(
    nom: str,
    *,
    defaut: str,
    pris: Callable[[str], bool],
    reserves: Collection[str] = frozenset(),
) -> str:
    """Identifiant d'URL tiré de `nom`, suffixé -2, -3… tant qu'il est réservé (pris par
    une URL fixe) ou déjà `pris`."""
    base = slugify(nom)[:70] or defaut
    slug, n = base, 2
    while slug in reserves or pris(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
