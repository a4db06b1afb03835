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

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
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


def _attribut_du_jour(cle: str, le: datetime.date) -> str:
    return f"_role_{cle}_{le:%Y%m%d}"


def memo_du_jour(user, cle: str, calcul) -> bool:
    """Un rôle daté lu une fois par requête (la navigation et la vue le demandent toutes
    deux) : gardé sur l'objet `user` de la requête, pour la date du jour."""
    attribut = _attribut_du_jour(cle, timezone.localdate())
    if not hasattr(user, attribut):
        setattr(user, attribut, calcul())
    return getattr(user, attribut)


# --- Les rôles lus avec la personne ---------------------------------------------------------
# Every page asks who the signed-in person is (navigation, then the view's own check). Rather
# than one query per role, the user row of the request is read with one EXISTS per role
# (phares.auth): fresh from the database on every request, so no cache can be stale. The
# apps that know a dated role (habitants: référent, membre ; gouvernance: cogérant·e,
# associé·e) register its expression at start-up, the kernel importing none of them.

FAITS_DU_JOUR: dict[str, Callable[[datetime.date], Exists]] = {}


def inscrire_fait_du_jour(cle: str, expression: Callable[[datetime.date], Exists]) -> None:
    """`expression(le)` : un `Exists(…)` vrai quand la personne (`OuterRef("pk")`) tient le
    rôle `cle` le jour `le` ; sa valeur répond ensuite à `memo_du_jour(user, cle, …)`."""
    FAITS_DU_JOUR[cle] = expression


def _dans_le_groupe(nom: str) -> Exists:
    from phares.models import User

    return Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=nom))


def avec_roles(queryset: QuerySet, le: datetime.date) -> QuerySet:
    """Les personnes de `queryset`, chacune avec ses groupes et ses rôles du jour `le`."""
    annotations = {f"_groupe_{i}": _dans_le_groupe(nom) for i, nom in enumerate(STAFF_GROUPS)}
    annotations |= {f"_fait_{cle}": expression(le) for cle, expression in FAITS_DU_JOUR.items()}
    return queryset.annotate(**annotations)


def retenir_roles(user, le: datetime.date) -> None:
    """Range les rôles lus par `avec_roles` là où `_groups` et `memo_du_jour` les cherchent."""
    user._phares_groups = frozenset(
        nom for i, nom in enumerate(STAFF_GROUPS) if getattr(user, f"_groupe_{i}")
    )
    for cle in FAITS_DU_JOUR:
        setattr(user, _attribut_du_jour(cle, le), bool(getattr(user, f"_fait_{cle}")))


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
