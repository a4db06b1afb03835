from collections.abc import Callable

from django.utils.text import slugify


def slug_libre(nom: str, *, defaut: str, pris: Callable[[str], bool]) -> str:
    """Identifiant d'URL tiré de `nom`, suffixé -2, -3… tant qu'il est déjà `pris`.

    Les pages d'un objet vivent sous un préfixe à elles (`/habitants/fiche/<slug>/`,
    `/espaces/fiche/<slug>/`) : aucun nom ne peut masquer une page fixe."""
    base = slugify(nom)[:70] or defaut
    slug, n = base, 2
    while pris(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
