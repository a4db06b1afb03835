"""Les limites de débit et les défis déjà servis valent pour tous les workers : avec
CACHE_BACKEND=database, ce qu'un processus compte, l'autre le voit. Deux fils avec chacun sa
connexion (SQLite et PostgreSQL), puis deux vrais processus (PostgreSQL) : les échecs de
connexion d'un compte, un compteur de phares.lib.limites, un défi de la preuve de travail."""

import json
import time

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from phares.lib import defis, limites
from tests.conftest import PASSWORD
from tests.course import exiger_postgres
from tests.phares.test_admin import TROP_DE_TENTATIVES
from tests.phares.test_settings import manage

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DE_DONNEES = "django.core.cache.backends.db.DatabaseCache"


@pytest.fixture
def cache_en_base(settings):
    """Le cache de la production à plusieurs workers : la table phares_cache de la base."""
    settings.CACHES = {"default": {"BACKEND": BASE_DE_DONNEES, "LOCATION": "phares_cache"}}
    call_command("createcachetable", verbosity=0)
    cache.clear()
    yield
    cache.clear()


def _defi() -> tuple[str, str]:
    defi = defis.emettre(now=time.time() - 60)
    return defi.jeton, defis.resoudre(defi.jeton, defi.bits)


def _echouer_cinq_fois(adresse_ip: str, email: str) -> list[bool]:
    client = Client(REMOTE_ADDR=adresse_ip)
    return [
        TROP_DE_TENTATIVES
        in client.post(reverse("account_login"), {"login": email, "password": "faux"}).text
        for _ in range(5)
    ]


def _entrer(adresse_ip: str, email: str) -> str:
    client = Client(REMOTE_ADDR=adresse_ip)
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD}).text


def _connexion_id():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    return id(connection.connection)


def test_deux_connexions_voient_les_memes_compteurs(cache_en_base, course, membre_a):
    assert type(caches["default"]).__name__ == "DatabaseCache"
    jeton, preuve = _defi()

    def premier(_):
        return {
            "connexion": _connexion_id(),
            "echecs_limites": _echouer_cinq_fois("192.0.2.1", membre_a.email),
            "compteur": limites.autorise("essai", nombre=1, fenetre=3600),
            "defi": defis.verifier(jeton, preuve),
        }

    def second(_):
        try:
            defis.verifier(jeton, preuve)
        except defis.DefiRefuse as exc:
            defi = str(exc)
        else:
            defi = "accepté une seconde fois"
        return {
            "connexion": _connexion_id(),
            # Another address: only the per-account counter can refuse it.
            "entree_refusee": TROP_DE_TENTATIVES in _entrer("192.0.2.2", membre_a.email),
            "compteur": limites.autorise("essai", nombre=1, fenetre=3600),
            "defi": defi,
        }

    (un,) = course.lancer(premier, n=1)
    (deux,) = course.lancer(second, n=1)

    assert not isinstance(un, Exception), un
    assert not isinstance(deux, Exception), deux
    assert un["connexion"] != deux["connexion"]
    assert un["echecs_limites"] == [False] * 5 and un["compteur"] is True and un["defi"] is True
    assert deux == {
        "connexion": deux["connexion"],
        "entree_refusee": True,
        "compteur": False,
        "defi": defis.DEJA_SERVI,
    }


SCRIPT = """
import json
from django.test import Client
from phares.lib import defis, limites

client = Client(REMOTE_ADDR="192.0.2.1")
for _ in range(5):
    client.post("/comptes/login/", {{"login": {email!r}, "password": "faux"}})
print(json.dumps({{
    "inverse": limites.autorise("inverse", nombre=1, fenetre=3600),
    "compteur": limites.autorise("essai", nombre=1, fenetre=3600),
    "defi": defis.verifier({jeton!r}, {preuve!r}),
}}))
"""


def test_deux_processus_voient_les_memes_compteurs(cache_en_base, membre_a, tmp_path, settings):
    """Un autre processus Python, réglé comme un worker de production (CACHE_BACKEND=database,
    DATABASE_URL), sur la base de test."""
    exiger_postgres("Deux processus sur une même base de test : PostgreSQL (DATABASE_URL).")
    jeton, preuve = _defi()
    # This process counts first on one key: the other must see it.
    assert limites.autorise("inverse", nombre=1, fenetre=3600)
    reglages = connection.settings_dict
    url = (
        f"postgres://{reglages['USER']}:{reglages['PASSWORD']}@{reglages['HOST']}:"
        f"{reglages['PORT']}/{reglages['NAME']}"
    )

    fils = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        SCRIPT.format(email=membre_a.email, jeton=jeton, preuve=preuve),
        DATABASE_URL=url,
        CONN_MAX_AGE="0",
        CACHE_BACKEND="database",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="testserver",
        PHARES_DEFI_BITS="4",
        PHARES_FAST_PASSWORD_HASHER="true",
    )

    assert fils.returncode == 0, fils.stdout + fils.stderr
    vu = json.loads(fils.stdout.strip().splitlines()[-1])
    assert vu == {"inverse": False, "compteur": True, "defi": True}
    # And what the other process counted, this one sees.
    assert not limites.autorise("essai", nombre=1, fenetre=3600)
    with pytest.raises(defis.DefiRefuse, match="déjà été envoyé une fois"):
        defis.verifier(jeton, preuve)
    assert TROP_DE_TENTATIVES in _entrer("192.0.2.2", membre_a.email)
