"""Borner le rythme d'une lecture publique (sans compte) : un compteur par clé et par
fenêtre fixe, dans le cache de Django.

Pour ce qui ne se garde pas en base (lire des disponibilités n'écrit rien) : une limite
approximative suffit. Avec le cache en mémoire (`CACHE_BACKEND=locmem`), chaque processus
compte pour lui ; `CACHE_BACKEND=database` partage le compte entre processus.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def autorise(cle: str, *, nombre: int, fenetre: int) -> bool:
    """Compte un passage pour `cle` dans la fenêtre de `fenetre` secondes en cours ; False
    au-delà de `nombre` passages (jusqu'à la fenêtre suivante)."""
    tranche = int(time.time()) // fenetre
    compteur = f"limite:{cle}:{tranche}"
    cache.add(compteur, 0, timeout=fenetre * 2)
    try:
        n = cache.incr(compteur)
    except ValueError:  # expired between add() and incr()
        cache.set(compteur, 1, timeout=fenetre * 2)
        n = 1
    return n <= nombre
