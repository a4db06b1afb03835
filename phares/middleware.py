import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.utils.functional import SimpleLazyObject

from phares.lib.acteur import Acteur, nouvel_id_requete

requetes = logging.getLogger("phares.requetes")


class ContentSecurityPolicyMiddleware:
    """Pose l'en-tête Content-Security-Policy (Django 5.2 n'en a pas)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ActeurMiddleware:
    """Donne à chaque requête un identifiant et `request.acteur`, l'auteur que les vues
    passent aux services ; l'identifiant revient dans la réponse pour retrouver l'action au
    journal. Derrière notre proxy (TRUSTED_PROXY_COUNT > 0), on reprend son X-Request-ID,
    qui relie le journal à ses logs ; sans proxy, l'en-tête vient du visiteur, qui pourrait
    y écrire l'identifiant d'une autre action : on en tire un au hasard."""

    def __init__(self, get_response):
        self.get_response = get_response

    @property
    def derriere_un_proxy(self) -> bool:
        return settings.ALLAUTH_TRUSTED_PROXY_COUNT > 0

    def __call__(self, request):
        propose = request.headers.get("X-Request-ID") if self.derriere_un_proxy else None
        request.request_id = nouvel_id_requete(propose)
        # Lazy: the user is only known once the authentication middleware has run.
        request.acteur = SimpleLazyObject(lambda: Acteur.de_requete(request))
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response


class RequestLogMiddleware:
    """Une ligne de journal par requête (logger `phares.requetes`) : identifiant de la
    requête, méthode, chemin, statut, durée, et l'identifiant de la personne connectée
    (jamais son e-mail). Juste après ActeurMiddleware, qui donne l'identifiant. Activé par
    LOG_REQUESTS (par défaut avec LOG_FORMAT=json)."""

    def __init__(self, get_response):
        if not settings.LOG_REQUESTS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        debut = time.perf_counter()
        response = self.get_response(request)
        duree = (time.perf_counter() - debut) * 1000
        niveau = logging.ERROR if response.status_code >= 500 else logging.INFO
        requetes.log(
            niveau,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": getattr(request, "request_id", ""),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duree, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request) -> int | None:
    # Only a user the request already loaded: reading request.user here would cost a session
    # and a user query on pages that never needed them (static files, public pages).
    user = getattr(request, "_cached_user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk
