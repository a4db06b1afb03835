"""Points de santé pour le répartiteur de charge et l'orchestrateur : `/sante/` (le processus
répond) et `/sante/pret/` (il peut servir : base joignable, table du cache présente, aucune
migration en attente).

Servis par un middleware placé en tête, avant tout le reste : ni session, ni utilisateur,
ni redirection vers la connexion ou vers https, ni lecture de l'en-tête Host. Une sonde qui
interroge une instance par son adresse (Host: 10.0.0.5:8001, absent d'ALLOWED_HOSTS) reçoit
donc une réponse au lieu d'un 400 ; c'est sans risque, car la réponse ne dépend pas de
l'hôte demandé (aucune URL absolue, aucun cookie, rien de mis en cache par hôte) et ne dit
rien d'autre que « ça marche » ou ce qui manque, en quelques mots fixés ici.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse

from phares.lib import migrations

VIVANT = "/sante/"
PRET = "/sante/pret/"
# A probe every second must stay cheap: the readiness result is kept this long per process
# (loading the migration graph costs tens of milliseconds).
DUREE_MEMO = 5.0

_memo: tuple[float, list[str]] | None = None
_verrou = threading.Lock()


def _reponse(corps: dict, status: int = 200) -> JsonResponse:
    # ensure_ascii off: curl shows « données » as is. no-store: a probe never reads a cache.
    response = JsonResponse(corps, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def vivant(request):
    """Le processus répond : rien d'autre n'est regardé (pas de base)."""
    return _reponse({"statut": "ok"})


def pret(request):
    """200 si l'instance peut servir ; 503 avec la liste courte de ce qui manque sinon."""
    echecs = echecs_memorises()
    if echecs:
        return _reponse({"statut": "indisponible", "echecs": echecs}, status=503)
    return _reponse({"statut": "ok"})


def echecs_memorises() -> list[str]:
    global _memo
    maintenant = time.monotonic()
    with _verrou:
        if _memo is not None and maintenant - _memo[0] < DUREE_MEMO:
            return _memo[1]
        echecs = verifier()
        _memo = (maintenant, echecs)
        return echecs


def oublier() -> None:
    """Efface le résultat gardé (tests, ou après une migration dans le même processus)."""
    global _memo
    with _verrou:
        _memo = None


def verifier() -> list[str]:
    """Ce qui empêche de servir, en mots fixes (jamais le texte d'une exception, qui peut
    nommer un serveur ou un compte)."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken persistent connection is closed at the end of the request, as after any
        # database error (request_finished -> close_old_connections).
        return ["base de données injoignable"]
    try:
        table = _table_du_cache()
        sans_table = bool(table) and table not in connection.introspection.table_names()
        en_attente = bool(migrations.en_attente(connection))
    except DatabaseError:
        # The connection answered `SELECT 1` then failed (restart, network cut): the same
        # 503 as when it does not answer at all, not a 500 for the load balancer.
        return ["base de données injoignable"]
    echecs = []
    if sans_table:
        echecs.append("table du cache absente (manage.py createcachetable)")
    if en_attente:
        echecs.append("migrations non appliquées (manage.py migrate)")
    return echecs


def _table_du_cache() -> str | None:
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache":
        return cache["LOCATION"]
    return None


class SanteMiddleware:
    """En tête de MIDDLEWARE : répond aux deux chemins de santé avant tout le reste."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == VIVANT:
                return vivant(request)
            if request.path == PRET:
                return pret(request)
        return self.get_response(request)
