"""Qui peut quoi : les rôles du noyau (équipe salariée), et le décorateur qui les exige.

- Équipe salariée (« staff ») : groupes Django « gestion » (chargée de
  développement : administre tout) et « comptabilité » (facturation, lecture
  des habitants).
- Habitants : appartenance datée à une structure (habitants.Membre), rôle
  « référent » (gère les membres de sa structure) ou « membre ».
- Cogérants et associés : mandats et qualité d'associé datés, dans gouvernance/roles.py
  (le noyau ne dépend d'aucune app).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

GESTION = "gestion"
COMPTABILITE = "comptabilité"
STAFF_GROUPS = (GESTION, COMPTABILITE)


def _groups(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_phares_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._phares_groups = cached
    return cached


def memo_du_jour(user, cle: str, calcul) -> bool:
    """Un rôle daté lu une fois par requête (la navigation et la vue le demandent toutes
    deux) : gardé sur l'objet `user` de la requête, pour la date du jour."""
    attribut = f"_role_{cle}_{timezone.localdate():%Y%m%d}"
    if not hasattr(user, attribut):
        setattr(user, attribut, calcul())
    return getattr(user, attribut)


def is_gestion(user) -> bool:
    return user.is_authenticated and (user.is_superuser or GESTION in _groups(user))


def is_comptable(user) -> bool:
    return user.is_authenticated and COMPTABILITE in _groups(user)


def is_staff_member(user) -> bool:
    """Équipe salariée du lieu : gestion ou comptabilité."""
    return is_gestion(user) or is_comptable(user)


def role_required(check):
    """Décorateur de vue : connexion exigée, puis 403 si `check(user)` échoue."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


gestion_required = role_required(is_gestion)
staff_required = role_required(is_staff_member)
