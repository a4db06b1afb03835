"""Ce que les tables de la démo espaces partagent : l'année 2015, les structures de
habitants.demo, le refus d'une table incohérente."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management.base import CommandError

from habitants import demo as habitants_demo

d = datetime.date
t = datetime.time
D = Decimal

ANNEE = 2015
DEBUT_ANNEE = d(ANNEE, 1, 1)
FIN_ANNEE = d(ANNEE, 12, 31)
DATE_REFERENCE = habitants_demo.DATE_REFERENCE  # 30 June: the report's head count

HABITANTS = {h.slug: h for h in habitants_demo.STRUCTURES}


def sauf(values: dict, key: str) -> dict:
    return {k: v for k, v in values.items() if k != key}


def refuser(errors: list[str]) -> None:
    if errors:
        raise CommandError("Données de démonstration incohérentes : " + " ; ".join(errors) + ".")
