"""Liens absolus vers l'application, pour les e-mails : ils partent après la validation ou
depuis une tâche de fond, sans requête à interroger (réglage PHARES_URL). Et les adresses
d'une longue liste, calculées une fois (`modele`, `pour`)."""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS


def absolu(chemin: str) -> str:
    if not chemin.startswith("/"):
        raise ValueError("Un chemin absolu est attendu (/…).")
    return settings.PHARES_URL + chemin


def vers(nom: str, *args) -> str:
    """`vers("espaces:reservation-detail", 12)` -> « https://…/reservations/12/ »."""
    return absolu(reverse(nom, args=args))


# A value every URL converter of the project accepts (int, slug, str) and no path holds.
_TENANT_LIEU = "7301946285"


def modele(nom: str) -> str:
    """L'adresse de la vue `nom` (un seul argument), calculée une fois pour toute une liste :
    `pour(modele(nom), valeur)` donne la même chose que `reverse(nom, args=[valeur])`, sans
    reparcourir les routes à chaque ligne (le profil d'une page de 200 lignes le montre)."""
    chemin = reverse(nom, args=[_TENANT_LIEU])
    if chemin.count(_TENANT_LIEU) != 1:
        raise ValueError(f"{nom} : une adresse à un seul argument est attendue.")
    return chemin


def pour(modele: str, valeur) -> str:
    # The quoting reverse() applies to an argument (django.urls.resolvers._reverse_with_prefix).
    return modele.replace(_TENANT_LIEU, quote(str(valeur), safe=RFC3986_SUBDELIMS + "/~:@"))


def fixe(nom: str) -> str:
    """`reverse(nom)` d'une adresse sans argument (les liens du menu, sur chaque page),
    calculée une fois par processus : la navigation de l'équipe en compte une trentaine."""
    return _fixe(nom, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=512)
def _fixe(nom: str, prefixe: str, urlconf: str) -> str:
    return reverse(nom, urlconf=urlconf)
