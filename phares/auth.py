"""Les moteurs d'authentification du projet : ceux de Django et d'allauth, dont la lecture
de la personne connectée, à chaque requête, apporte aussi ses rôles (phares.roles.avec_roles)
— une requête au lieu de trois à cinq avant la page elle-même."""

import datetime
from functools import lru_cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.db import connections
from django.utils import timezone

from phares import roles

# Stands for the user's id while the query is written (no id, date or flag can equal it).
_ID = -7_301_946_285


@lru_cache(maxsize=4)
def _requete(le: datetime.date, base: str, moteur: str) -> tuple[str, tuple, int]:
    """Le SQL de la personne et de ses rôles du jour `le`, écrit une fois par jour et par
    base : l'ORM met plus de temps à écrire ces sous-requêtes que la base à les lire."""
    users = roles.avec_roles(get_user_model()._default_manager.using(base).filter(pk=_ID), le)
    sql, params = users.query.sql_with_params()
    return sql, tuple(params), list(params).index(_ID)


class _AvecRoles:
    def get_user(self, user_id):
        le = timezone.localdate()
        User = get_user_model()
        base = User._default_manager.db
        sql, params, position = _requete(le, base, connections[base].settings_dict["ENGINE"])
        params = list(params)
        params[position] = User._meta.pk.to_python(user_id)
        user = next(iter(User._default_manager.db_manager(base).raw(sql, params)), None)
        if user is None:
            return None
        roles.retenir_roles(user, le)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_AvecRoles, backends.ModelBackend):
    pass


class AuthenticationBackend(_AvecRoles, AllauthBackend):
    pass
