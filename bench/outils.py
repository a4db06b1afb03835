"""Ce que fait chaque banc en processus avant d'importer les apps : Django sur la base de
DATABASE_URL, sinon sur un SQLite jetable, DEBUG coupé (il garde chaque requête dans une
file bornée et fausserait nombres et temps)."""

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_en_processus(*, hachage_rapide: bool = True, media_temporaire: bool = False) -> None:
    """`hachage_rapide` : le hachage de mot de passe des tests (une connexion en coûte sinon
    0,3 s) ; `media_temporaire` : les fichiers envoyés dans un dossier jetable."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phares.settings")
    if hachage_rapide:
        os.environ.setdefault("PHARES_FAST_PASSWORD_HASHER", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ["DEBUG"] = "false"
    # The pages read the static manifest's folder even when nothing was collected.
    (ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    if media_temporaire:
        os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

    import django

    django.setup()


def durees_ms(fonction, runs: int) -> list[float]:
    """Les durées de `runs` appels de `fonction`, en ms, après un appel de chauffe."""
    import time

    fonction()
    durees = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - t0) * 1000)
    return durees


def mediane_ms(fonction, runs: int = 15) -> float:
    import statistics

    return statistics.median(durees_ms(fonction, runs))


def plan_du_compte(qs) -> str:
    """EXPLAIN ANALYZE du COUNT(*) de `qs` (PostgreSQL) : `QuerySet.explain()` ne sait
    expliquer que la lecture des lignes, pas leur compte."""
    from django.db import connection

    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as c:
        c.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM ({sql}) t", params)
        return "\n".join(r[0] for r in c.fetchall())
