"""Ce que partagent les bancs HTTP (pages.py, soak.py, course_http.py) : la base de banc,
recréée avec le rôle et le serveur de l'adresse donnée, l'environnement de production en
http simple (comme bin/verifier-production), gunicorn lancé et arrêté par son pid."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
VAR = ROOT / "var" / "bench"
SERVEUR_DEFAUT = "postgres://phares:phares@127.0.0.1:5432"


def adresse_base(nom: str) -> str:
    """L'adresse de la base de banc `nom` : BENCH_DATABASE_URL telle quelle si elle est
    donnée ; sinon le serveur, le rôle et le mot de passe de DATABASE_URL (ou du serveur
    local), avec la base `nom`. Jamais la base de DATABASE_URL elle-même : elle est
    supprimée puis recréée."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    u = urllib.parse.urlparse(os.environ.get("DATABASE_URL") or SERVEUR_DEFAUT)
    if u.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("DATABASE_URL doit désigner un serveur PostgreSQL (postgres://…).")
    return u._replace(path=f"/{nom}").geturl()


def nom_base(database_url: str) -> str:
    return urllib.parse.urlparse(database_url).path.lstrip("/")


def sans_secret(database_url: str) -> str:
    u = urllib.parse.urlparse(database_url)
    return f"{u.hostname}:{u.port or 5432}/{nom_base(database_url)} (rôle {u.username})"


def _maintenance(database_url: str) -> str:
    return urllib.parse.urlparse(database_url)._replace(path="/postgres").geturl()


def base_existe(database_url: str) -> bool:
    import psycopg

    with psycopg.connect(_maintenance(database_url), autocommit=True) as c:
        ligne = c.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [nom_base(database_url)]
        ).fetchone()
    return ligne is not None


def recreer_base(database_url: str) -> None:
    """Supprime et recrée la base avec le rôle de l'adresse (il lui faut CREATEDB ; il en
    devient propriétaire, ce qui lui permet l'extension btree_gist des migrations)."""
    import psycopg
    from psycopg import sql

    nom = sql.Identifier(nom_base(database_url))
    try:
        with psycopg.connect(_maintenance(database_url), autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(nom))
            c.execute(sql.SQL("CREATE DATABASE {}").format(nom))
    except psycopg.Error as exc:
        raise SystemExit(
            f"Impossible de recréer la base {sans_secret(database_url)} : {exc}".strip()
        ) from exc


def environnement(database_url: str, secret: str, media: Path) -> dict[str, str]:
    """Réglages de production en http simple, comme bin/verifier-production, plus la table
    d'adresses du banc (bench/reglages.py). Rien d'autre de l'environnement de l'appelant."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k in {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.reglages",
            "PHARES_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "PHARES_URL": "https://phares.example.org",
            "SECURE_SSL_REDIRECT": "false",
            # Several workers: the sign-in counters live in a cache they share.
            "CACHE_BACKEND": "database",
            "PHARES_VAR_DIR": str(VAR),
            "MEDIA_ROOT": str(media),
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    return env


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def collectstatic(env: dict[str, str]) -> None:
    """Le manifeste des fichiers statiques : sans lui, toute page de production échoue."""
    VAR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def lancer_gunicorn(env: dict[str, str], workers: int, port: int) -> subprocess.Popen:
    serveur = subprocess.Popen(
        [
            GUNICORN,
            "phares.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(300):
        if serveur.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté au démarrage (voir plus haut).")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/comptes/login/", timeout=5).read()
            return serveur
        except OSError:
            time.sleep(0.2)
    arreter(serveur)
    raise SystemExit("gunicorn ne répond pas.")


def arreter(serveur: subprocess.Popen) -> None:
    serveur.terminate()
    try:
        serveur.wait(timeout=30)
    except subprocess.TimeoutExpired:
        serveur.kill()
        serveur.wait()


def pids_workers(serveur: subprocess.Popen) -> list[int]:
    """Les workers de gunicorn : les enfants de son processus maître."""
    enfants = Path(f"/proc/{serveur.pid}/task/{serveur.pid}/children")
    return [int(p) for p in enfants.read_text().split()]


def rss_ko(pid: int) -> int:
    """Mémoire résidente d'un processus (VmRSS de /proc/<pid>/status), en ko."""
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return 0
