"""Production settings and the security headers every page carries."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from phares import views
from tests.conftest import client_as

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables the child must not inherit from the test process.
SETTINGS_VARS = (
    "PHARES_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SQLITE_PATH",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "EMAIL_BACKEND",
    "PHARES_URL",
    # set by tests/conftest.py for the browser tests; check --deploy rightly refuses it
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    child_env.update(DJANGO_SETTINGS_MODULE="phares.settings", PHARES_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides) -> dict:
    env = {
        "PHARES_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "phares.example.org",
        "PHARES_URL": "https://phares.example.org",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_production_passes_the_deploy_check(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr and "security." not in result.stderr


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        pytest.param(production_env(SECRET_KEY=None), "SECRET_KEY", id="sans-secret-key"),
        pytest.param(production_env(PHARES_URL=None), "PHARES_URL", id="sans-adresse-publique"),
        pytest.param(
            production_env(PHARES_URL="http://phares.example.org"), "https", id="adresse-en-http"
        ),
        pytest.param(production_env(ALLOWED_HOSTS=None), "ALLOWED_HOSTS", id="sans-allowed-hosts"),
        pytest.param(production_env(DEBUG="true"), "DEBUG", id="debug-en-production"),
        pytest.param({"DEBUG": "maybe"}, "DEBUG", id="debug-peut-etre"),
        pytest.param({"PHARES_ENV": "prod"}, "PHARES_ENV", id="env-inconnu"),
        pytest.param({"SECURE_HSTS_SECONDS": "un an"}, "SECURE_HSTS_SECONDS", id="entier-invalide"),
        pytest.param(
            {"DATABASE_URL": "mysql://u:p@localhost/phares"}, "DATABASE_URL", id="base-non-postgres"
        ),
    ],
)
def test_bad_configuration_refuses_to_start(tmp_path, env, mentions):
    result = manage(tmp_path, "check", **env)

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert mentions in last_line, last_line


def test_development_defaults_start_without_configuration(tmp_path):
    result = manage(tmp_path, "check")
    assert result.returncode == 0, result.stderr


# --- headers and error pages, in the test process ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/comptes/login/", "/page-qui-n-existe-pas/"])
def test_responses_carry_security_headers(path):
    response = client_as(None).get(path)

    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_404_page_is_french(settings, membre_a):
    settings.DEBUG = False
    for client in (client_as(None), client_as(membre_a)):
        response = client.get("/page-qui-n-existe-pas/")
        assert response.status_code == 404
        assert '<html lang="fr">' in response.text
        assert "<h1>Page introuvable</h1>" in response.text
        assert "Retour à l&#x27;accueil" in response.text or "Retour à l'accueil" in response.text


@pytest.mark.django_db
def test_403_page_is_french(settings, membre_a):
    settings.DEBUG = False
    response = client_as(membre_a).get("/habitants/")
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in response.text
    assert "anne.hurand@lephares.coop" in response.text


def test_500_page_is_french_and_standalone():
    # Rendered without the database or context processors: they may be what failed.
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Une erreur est survenue" in text
    assert "Rien n'a été enregistré" in text
