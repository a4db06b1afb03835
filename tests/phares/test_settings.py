"""Production settings and the security headers every page carries."""

import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from habitants import selectors as habitants_selectors
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
    "CACHE_BACKEND",
    "TRUSTED_PROXY_COUNT",
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
        pytest.param({"CACHE_BACKEND": "redis"}, "CACHE_BACKEND", id="cache-inconnu"),
        pytest.param(
            {"DATABASE_URL": "postgres://u:p@localhost/p", "CONN_HEALTH_CHECKS": "parfois"},
            "CONN_HEALTH_CHECKS",
            id="ping-illisible",
        ),
    ],
)
def test_bad_configuration_refuses_to_start(tmp_path, env, mentions):
    result = manage(tmp_path, "check", **env)

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert mentions in last_line, last_line


@pytest.mark.parametrize(
    "valeur, attendu", [(None, "False 60"), ("true", "True 60"), ("false", "False 60")]
)
def test_connexions_persistantes_sans_ping_par_defaut(tmp_path, valeur, attendu):
    """No `SELECT 1` before each request unless the host asks (docs/decisions.md)."""
    env = {"DATABASE_URL": "postgres://phares:phares@127.0.0.1:5432/phares"}
    if valeur is not None:
        env["CONN_HEALTH_CHECKS"] = valeur
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        " print(d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'])"
    )
    result = manage(tmp_path, "shell", "-c", code, **env)
    assert result.stdout.strip().splitlines()[-1] == attendu, result.stderr


def test_database_cache_is_shared_by_processes(tmp_path):
    # Several gunicorn workers must see the same sign-in counters: CACHE_BACKEND=database.
    assert manage(tmp_path, "createcachetable", CACHE_BACKEND="database").returncode == 0
    code = "from django.core.cache import cache; cache.set('essai', 42)"
    assert manage(tmp_path, "shell", "-c", code, CACHE_BACKEND="database").returncode == 0
    code = "from django.core.cache import cache; print(cache.get('essai'))"
    result = manage(tmp_path, "shell", "-c", code, CACHE_BACKEND="database")
    assert result.stdout.strip().splitlines()[-1] == "42", result.stderr


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


# --- error pages with DEBUG off outside production (what `make run` shows) -------------------


def assert_site_layout(html: str):
    assert '<html lang="fr">' in html
    assert 'aria-label="Navigation principale"' in html
    assert '<footer class="site-footer' in html
    assert 'href="/static/css/phares.css"' in html
    assert "style=" not in html  # the CSP refuses inline styles


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/page-qui-n-existe-pas/", "/invitation/n-importe-quoi/"])
def test_404_page_is_french(settings, membre_a, path):
    settings.DEBUG = False
    for client in (client_as(None), client_as(membre_a)):
        response = client.get(path)
        assert response.status_code == 404
        assert_site_layout(response.text)
        assert "<h1>Page introuvable</h1>" in response.text
        assert "Retour à l&#x27;accueil" in response.text or "Retour à l'accueil" in response.text


@pytest.mark.django_db
def test_404_of_a_missing_object_is_the_site_page(settings, gestion):
    settings.DEBUG = False
    response = client_as(gestion).get("/reservations/999999/")
    assert response.status_code == 404
    assert_site_layout(response.text)
    assert "<h1>Page introuvable</h1>" in response.text


@pytest.mark.django_db
def test_403_page_is_french(settings, membre_a):
    settings.DEBUG = False
    response = client_as(membre_a).get("/habitants/")
    assert response.status_code == 403
    assert_site_layout(response.text)
    assert "<h1>Accès refusé</h1>" in response.text
    assert "anne.hurand@lephares.coop" in response.text


@pytest.mark.django_db
def test_csrf_failure_is_the_site_403_page(settings, membre_a):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(membre_a)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403
    assert_site_layout(response.text)
    assert "Le formulaire envoyé a expiré" in response.text


@pytest.mark.django_db
def test_500_page_is_french_with_the_site_layout(settings, monkeypatch, membre_a):
    settings.DEBUG = False

    def boom(**kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(habitants_selectors, "structures_presentes", boom)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert_site_layout(response.text)
    assert "<h1>Une erreur est survenue</h1>" in response.text
    assert "Rien n'a été enregistré" in response.text
    assert "panne simulée" not in response.text


def test_500_page_needs_neither_database_nor_session():
    # Rendered without context processors: the database or the session may be what failed.
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Une erreur est survenue" in text
    assert 'href="/comptes/login/"' in text  # the navigation of a visitor


@pytest.mark.django_db
def test_static_and_media_files_are_served_with_debug_off(settings, client):
    settings.DEBUG = False
    response = Client().get("/static/css/phares.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    logo = Path(settings.MEDIA_ROOT) / "logos" / "halage.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    response = Client().get("/media/logos/halage.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_make_run_serves_with_debug_off():
    # `make run` shows the demo as production does: the site's 403/404/500, not Django's.
    for target in ("run", "serve"):
        result = subprocess.run(
            ["make", "-n", target],
            cwd=BASE_DIR,
            env={k: v for k, v in os.environ.items() if k != "DEBUG"},
            capture_output=True,
            text=True,
            check=True,
        )
        serveur = [line for line in result.stdout.splitlines() if "bin/servir" in line]
        assert serveur and all("DEBUG=false" in line for line in serveur), result.stdout


def _enfants(pid: int) -> list[int]:
    sortie = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in sortie.split()]


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: it only waits for its parent to read its status.
    etat = Path(f"/proc/{pid}/stat")
    return etat.exists() and etat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_bin_servir_lance_le_processus_de_fond_et_l_arrete_avec_le_serveur(tmp_path):
    """`make run` : le serveur et, à côté, `db_worker` ; Ctrl-C (SIGINT au groupe de
    processus, comme le terminal) arrête le serveur et le processus de fond avec lui."""
    import socket
    import time

    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env |= {"SQLITE_PATH": str(tmp_path / "db.sqlite3"), "DEBUG": "false"}
    # The worker's queue only: the server starts without the rest of the schema.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "django_tasks_database", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = subprocess.Popen(
        ["bin/servir", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        # As from a terminal: SIGINT at its default. A test runner's worker may ignore it,
        # and a shell started with SIGINT ignored cannot trap it (bin/servir's Ctrl-C).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert script.poll() is None, "bin/servir s'est arrêté"
            time.sleep(0.1)
        enfants = _enfants(script.pid)
        commandes = {
            pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in enfants
        }
        assert sorted(b"db_worker" in c for c in commandes.values()) == [False, True], commandes
        assert any(b"runserver" in c for c in commandes.values()), commandes
        tous = enfants + [p for pid in enfants for p in _enfants(pid)]

        os.killpg(script.pid, signal.SIGINT)
        try:
            code = script.wait(timeout=90)
        except subprocess.TimeoutExpired:
            # Say which process held the stop, rather than a bare timeout.
            restants = {
                pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                for pid in tous
                if _vivant(pid)
            }
            pytest.fail(f"bin/servir ne s'arrête pas ; encore vivants : {restants}")
        assert code == 0
        time.sleep(0.5)
        assert [pid for pid in tous if _vivant(pid)] == []
    finally:
        if script.poll() is None:
            script.kill()


def test_env_example_lists_every_variable():
    settings_py = (BASE_DIR / "phares" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|decimal)\(\s*"([A-Z0-9_]+)"', settings_py))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert {"CACHE_BACKEND", "TRUSTED_PROXY_COUNT", "PHARES_VALEUR_NOMINALE_PART"} <= read
    assert read - listed == set()
