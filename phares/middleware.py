from django.conf import settings
from django.utils.functional import SimpleLazyObject

from phares.lib.acteur import Acteur, nouvel_id_requete


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
