"""Rôles tenus par la SCIC : cogérant·e (mandat daté) et associé·e (qualité datée).

Les rôles de l'équipe salariée (gestion, comptabilité) sont dans phares/roles.py ; ceux-ci
dépendent des données de gouvernance, donc vivent ici.

Qui fait quoi dans les pages de la gouvernance :
- lire (registre, capital, mandats, postes dédiés) : la gestion, les cogérant·es en
  mandat, les associé·es (en personne, représentant·e ou membre d'une structure associée) ;
- tenir le registre et le capital (admettre, modifier, sortie, mouvements) : la gestion et
  les cogérant·es ;
- nommer et terminer les mandats, tenir les postes dédiés : la gestion.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from phares.roles import is_gestion, role_required

from . import selectors


def is_cogerant(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return selectors.est_cogerant(user, le=le or timezone.localdate())


def is_associe(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return selectors.est_associe(user, le=le or timezone.localdate())


def peut_tenir_registre(user) -> bool:
    """Admettre, modifier, sortir un associé ; écrire dans le grand livre du capital."""
    return is_gestion(user) or is_cogerant(user)


def peut_lire_gouvernance(user) -> bool:
    return peut_tenir_registre(user) or is_associe(user)


cogerant_required = role_required(is_cogerant)
gouvernance_required = role_required(peut_lire_gouvernance)
registre_required = role_required(peut_tenir_registre)
