"""Points de santé : /sante/ (le processus répond) et /sante/pret/ (il peut servir), tels
qu'un répartiteur de charge les interroge, en http, par l'adresse de l'instance."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from phares import sante
from tests.conftest import client_as
from tests.phares.test_settings import manage, production_env


@pytest.fixture(autouse=True)
def _sans_memo():
    sante.oublier()
    yield
    sante.oublier()


@pytest.fixture
def sonde():
    """Un répartiteur : en http, par l'adresse de l'instance (absente d'ALLOWED_HOSTS)."""
    return Client(HTTP_HOST="10.0.0.5:8001")


def corps(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_vivant_repond_sans_base_ni_session(sonde, settings):
    # No django_db mark: pytest-django would raise on any query.
    settings.SECURE_SSL_REDIRECT = True
    response = sonde.get("/sante/")
    assert response.status_code == 200
    assert corps(response) == {"statut": "ok"}
    assert response.cookies == {}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_vivant_ne_renvoie_pas_une_personne_connectee_vers_la_connexion(gestion):
    response = client_as(gestion).get("/sante/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_pret_quand_tout_va_bien(sonde, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = sonde.get("/sante/pret/")
    assert response.status_code == 200, response.content
    assert corps(response) == {"statut": "ok"}


@pytest.mark.django_db
def test_pret_est_garde_quelques_secondes(sonde, django_assert_num_queries):
    assert sonde.get("/sante/pret/").status_code == 200
    with django_assert_num_queries(0):
        assert sonde.get("/sante/pret/").status_code == 200


@pytest.mark.django_db
def test_base_injoignable_donne_503_sans_details(sonde):
    panne = OperationalError('connection to server at "db.interne" failed: mot de passe')
    with mock.patch.object(connections["default"], "cursor", side_effect=panne):
        response = sonde.get("/sante/pret/")
    assert response.status_code == 503
    assert corps(response) == {"statut": "indisponible", "echecs": ["base de données injoignable"]}
    assert b"db.interne" not in response.content
    # Liveness does not look at the database: the process still answers.
    with mock.patch.object(connections["default"], "cursor", side_effect=panne):
        assert sonde.get("/sante/").status_code == 200


@pytest.mark.django_db
def test_une_base_qui_tombe_apres_le_select_donne_503(sonde):
    """`SELECT 1` passe, puis la connexion casse pendant la lecture des migrations : la
    sonde reçoit le même 503 qu'une base injoignable, jamais un 500."""
    panne = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(MigrationRecorder, "applied_migrations", side_effect=panne):
        response = sonde.get("/sante/pret/")
    assert response.status_code == 503
    assert corps(response) == {"statut": "indisponible", "echecs": ["base de données injoignable"]}


@pytest.mark.django_db
def test_table_du_cache_absente(sonde, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_jamais_creee",
        }
    }
    response = sonde.get("/sante/pret/")
    assert response.status_code == 503
    assert corps(response)["echecs"] == ["table du cache absente (manage.py createcachetable)"]


@pytest.mark.django_db
def test_migration_non_appliquee(sonde):
    derniere = MigrationRecorder.Migration.objects.filter(app="phares").order_by("-id").first()
    derniere.delete()  # as if the code were newer than the database
    response = sonde.get("/sante/pret/")
    assert response.status_code == 503
    assert corps(response)["echecs"] == ["migrations non appliquées (manage.py migrate)"]


@pytest.mark.django_db
def test_une_panne_reparee_se_voit_apres_le_delai(sonde, monkeypatch):
    panne = OperationalError("injoignable")
    with mock.patch.object(connections["default"], "cursor", side_effect=panne):
        assert sonde.get("/sante/pret/").status_code == 503
    assert sonde.get("/sante/pret/").status_code == 503  # still the remembered result
    monkeypatch.setattr(sante, "DUREE_MEMO", 0)
    assert sonde.get("/sante/pret/").status_code == 200


def test_seuls_get_et_head_sont_des_sondes(sonde):
    assert sonde.head("/sante/").status_code == 200
    # Anything else goes through the site as usual (CSRF, then no such page).
    assert sonde.post("/sante/").status_code in (400, 403, 404)


def test_une_vraie_base_injoignable(tmp_path):
    """Sans simulation : un processus dont PostgreSQL ne répond pas (port fermé)."""
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='10.0.0.5:8001'); "
        "print(c.get('/sante/').status_code, c.get('/sante/pret/').status_code, "
        "c.get('/sante/pret/').content.decode())"
    )
    result = manage(
        tmp_path,
        "shell",
        "-c",
        code,
        **production_env(DATABASE_URL="postgres://phares:x@127.0.0.1:1/phares", LOG_FORMAT="text"),
    )
    assert result.returncode == 0, result.stderr
    derniere = result.stdout.strip().splitlines()[-1]
    assert (
        derniere == '200 503 {"statut": "indisponible", "echecs": ["base de données injoignable"]}'
    )
