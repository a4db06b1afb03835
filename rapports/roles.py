"""Qui lit et qui écrit le rapport annuel.

- rédiger les textes, voir l'aperçu, télécharger le brouillon, publier : l'équipe de
  gestion ;
- lire les éditions publiées : la gestion, les cogérant·es en mandat et les associé·es de la
  SCIC ; les membres des structures hébergées aussi, pour les années que la gestion a
  rendues lisibles (case « lisible par les habitants » de la rédaction).
Toute autre personne connectée reçoit un refus (403).
"""

from __future__ import annotations

from gouvernance import roles as gouvernance_roles
from habitants import selectors as habitants_selectors
from phares.roles import is_gestion, role_required

__all__ = ["gestion_required", "lecture_required", "peut_lire", "peut_rediger"]


def peut_rediger(user) -> bool:
    return is_gestion(user)


def est_de_la_scic(user) -> bool:
    """Gestion, cogérant·e en mandat ou associé·e aujourd'hui : qui lit la gouvernance (le
    même calcul que la navigation, fait une fois par requête)."""
    return gouvernance_roles.peut_lire(user)


def est_habitant(user) -> bool:
    """Membre actif d'une structure hébergée."""
    return habitants_selectors.est_habitant(user)


def peut_lire(user, *, public: bool | None = None) -> bool:
    """Lire les éditions publiées ; `public` : la rédaction de l'année est lisible par les
    habitants (None : n'importe quelle année, pour la page d'accueil du rapport)."""
    if not user.is_authenticated:
        return False
    if peut_rediger(user) or est_de_la_scic(user):
        return True
    return public is not False and est_habitant(user)


gestion_required = role_required(peut_rediger)
lecture_required = role_required(peut_lire)
