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

from phares.roles import is_gestion, memo_du_jour, role_required

from . import selectors


def is_cogerant(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if le is None:  # today's role: asked by the navigation, the dashboard and the panels
        return memo_du_jour(user, "cogerant", lambda: is_cogerant(user, timezone.localdate()))
    return selectors.est_cogerant(user, le=le)


def is_associe(user, le: datetime.date | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if le is None:
        return memo_du_jour(user, "associe", lambda: is_associe(user, timezone.localdate()))
    return selectors.est_associe(user, le=le)


cogerant_required = role_required(is_cogerant)


# --- Séances et décisions -------------------------------------------------------------------


def peut_lire(user) -> bool:
    """Séances, décisions, registre : cogérant·es, associé·es et l'équipe de gestion."""
    if not user.is_authenticated:
        return False
    return memo_du_jour(user, "gouvernance_lire", lambda: peut_rediger(user) or is_associe(user))


def peut_rediger(user) -> bool:
    """Préparer une séance, en tenir le procès-verbal, l'approuver : cogérant·es (mandat en
    cours) et équipe de gestion."""
    if not user.is_authenticated:
        return False
    return memo_du_jour(user, "gouvernance_rediger", lambda: is_gestion(user) or is_cogerant(user))


# The same rights, by the names the register's pages use: whoever writes the minutes keeps
# the register and the capital ledger; whoever reads the meetings reads the register.
peut_tenir_registre = peut_rediger
peut_lire_gouvernance = peut_lire

lecture_required = role_required(peut_lire)
redaction_required = role_required(peut_rediger)
gouvernance_required = lecture_required
registre_required = redaction_required
