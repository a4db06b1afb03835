"""Rôles tenus par la SCIC : cogérant·e (mandat daté) et associé·e (qualité datée).

Les rôles de l'équipe salariée (gestion, comptabilité) sont dans phares/roles.py ; ceux-ci
dépendent des données de gouvernance, donc vivent ici.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from phares.roles import role_required

from . import selectors


def is_cogerant(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return selectors.est_cogerant(user, le=le or timezone.localdate())


def is_associe(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return selectors.est_associe(user, le=le or timezone.localdate())


cogerant_required = role_required(is_cogerant)
