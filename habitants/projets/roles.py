"""Qui fait quoi dans la vie du pôle.

- lire les projets, les événements, les photos non publiques : toute personne connectée
  (équipe, habitants, cogérant·es, associé·es) — c'est la vie commune du lieu ;
- créer un projet : la gestion, et les référent·es d'une structure présente (leur
  structure en devient porteuse) ;
- modifier un projet, tenir son journal, y téléverser des photos : la gestion, et les
  référent·es d'une structure qui y participe ;
- partenaires, subventions, emplois mutualisés, engagements, paroles d'habitants,
  événements : la gestion les tient ; la comptabilité les lit.
"""

from __future__ import annotations

from habitants import selectors as habitants_selectors
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

__all__ = [
    "gestion_required",
    "is_gestion",
    "is_staff_member",
    "peut_creer_projet",
    "peut_modifier_projet",
    "staff_required",
    "structures_referent",
]


def structures_referent(user) -> set[int]:
    """Les structures dont `user` est référent·e aujourd'hui (mis en cache sur `user`)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_projets_referent", None)
    if cached is None:
        cached = set(habitants_selectors.structures_du_referent(user).values_list("pk", flat=True))
        user._projets_referent = cached
    return cached


def peut_creer_projet(user) -> bool:
    # Référent·e of a structure today: the role read with the person (no query of its own).
    return is_gestion(user) or habitants_selectors.est_referent(user)


def peut_modifier_projet(user, projet) -> bool:
    if is_gestion(user):
        return True
    mes_structures = structures_referent(user)
    if not mes_structures:
        return False
    return projet.participations.filter(structure_id__in=mes_structures).exists()
