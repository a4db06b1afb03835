"""Les moteurs d'authentification du projet : ceux de Django et d'allauth, dont la lecture
de la personne connectée, à chaque requête, apporte aussi ses rôles (phares.roles.avec_roles)
— une requête au lieu de trois à cinq avant la page elle-même."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.utils import timezone

from phares import roles


class _AvecRoles:
    def get_user(self, user_id):
        le = timezone.localdate()
        users = roles.avec_roles(get_user_model()._default_manager.all(), le)
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        roles.retenir_roles(user, le)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_AvecRoles, backends.ModelBackend):
    pass


class AuthenticationBackend(_AvecRoles, AllauthBackend):
    pass
