"""Numéros légaux sans trou ni doublon (factures, avoirs, procès-verbaux).

Un numéro est pris dans la transaction qui émet le document : la ligne du compteur
(série, année) reste verrouillée jusqu'à la fin de cette transaction, donc deux émissions
simultanées se suivent, et une émission annulée rend son numéro (le suivant le reprend).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F


def prochain_numero(serie: str, annee: int) -> int:
    """Le numéro suivant de `serie` pour `annee` (1, 2, 3…), dans la transaction en cours."""
    from phares.models import Compteur

    if not connection.in_atomic_block:
        raise RuntimeError("prochain_numero() s'appelle dans la transaction de l'émission.")
    if not serie or len(serie) > 20:
        raise ValueError("Une série compte de 1 à 20 caractères.")
    # UPDATE takes the row lock and increments in one statement; a concurrent caller waits
    # on that lock and then reads the committed value (READ COMMITTED re-checks the row).
    if not Compteur.objects.filter(serie=serie, annee=annee).update(dernier=F("dernier") + 1):
        try:
            with transaction.atomic():  # savepoint: a concurrent first number may win
                Compteur.objects.create(serie=serie, annee=annee, dernier=1)
            return 1
        except IntegrityError:
            Compteur.objects.filter(serie=serie, annee=annee).update(dernier=F("dernier") + 1)
    return Compteur.objects.values_list("dernier", flat=True).get(serie=serie, annee=annee)


def formater(serie: str, annee: int, numero: int, *, chiffres: int = 4) -> str:
    """« F2015-0001 »."""
    return f"{serie}{annee}-{numero:0{chiffres}d}"
