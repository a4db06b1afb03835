"""Requêtes et temps de rendu des plannings (et du journal) selon la taille des tables."""

import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus  # noqa: E402

django_en_processus()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from espaces.models import Reservation, Ressource  # noqa: E402
from habitants.models import Structure  # noqa: E402
from phares.lib import temps  # noqa: E402
from phares.models import EntreeJournal, User  # noqa: E402


def fill(total: int) -> None:
    """Ajoute des réservations passées (2010-2014) jusqu'à `total` lignes."""
    salles = list(Ressource.objects.filter(categorie="salle"))
    structures = list(Structure.objects.all()[:10])
    missing = total - Reservation.objects.count()
    # Continue after the rows of a previous call: slot n is a unique (room, day, hour).
    slot = Reservation.objects.filter(titre="Banc d'essai").count()
    per_day = len(salles) * 10
    rows = []
    while len(rows) < missing:
        salle = salles[slot % len(salles)]
        heure = 8 + (slot // len(salles)) % 10
        day = datetime.date(2010, 1, 4) + datetime.timedelta(days=slot // per_day)
        debut = temps.aware(day, datetime.time(heure))
        fin = debut + datetime.timedelta(hours=1)
        rows.append(
            Reservation(
                ressource=salle,
                debut=debut,
                fin=fin,
                fin_bloquee=fin,
                titre="Banc d'essai",
                structure=structures[slot % len(structures)],
                statut="confirmee",
            )
        )
        slot += 1
    Reservation.objects.bulk_create(rows, batch_size=2000)


def fill_journal(total: int) -> None:
    """Ajoute des entrées au journal jusqu'à `total` lignes (bulk_create : une insertion,
    que le journal accepte ; il refuse seulement de modifier ou d'effacer)."""
    structures = list(Structure.objects.all()[:10])
    missing = total - EntreeJournal.objects.count()
    EntreeJournal.objects.bulk_create(
        (
            EntreeJournal(
                par_libelle="système (banc)",
                origine="banc",
                operation="banc.operation",
                libelle=f"Opération de banc d'essai {i}",
                structure_id=structures[i % len(structures)].pk,
                structure_nom=structures[i % len(structures)].nom,
                changements={"champ": ["avant", "après"]},
            )
            for i in range(max(0, missing))
        ),
        batch_size=2000,
    )


def measure(client: Client, url: str, runs: int = 15) -> tuple[int, float]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)  # read now: the next request clears the log
    durations = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        durations.append((time.perf_counter() - t0) * 1000)
    return queries, statistics.median(durations)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, force=True)
    salle = Ressource.objects.filter(categorie="salle").first()
    lundi = temps.monday_of(timezone.localdate())
    pages = {
        "semaine d'une salle": f"/reservations/salles/{salle.slug}/?semaine={lundi}",
        "jour, toutes salles": f"/reservations/jour/?date={lundi}",
        "mes réservations": "/reservations/",
        "fiche structure": "/habitants/fiche/halage/",
        "journal": "/journal/",
        "journal d'une structure": f"/journal/?structure={Structure.objects.get(slug='halage').pk}",
    }
    habitant = Client(HTTP_HOST="127.0.0.1")
    habitant.force_login(User.objects.get(email="referent.halage@phares.test"))
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(User.objects.get(email="gestion@phares.test"))
    print(f"base : {connection.vendor}")
    print("(à chaque palier, le journal compte au moins autant d'entrées que de réservations)")
    print(f"{'réservations':>12}  {'page':<24} {'requêtes':>8} {'médiane ms':>10}")
    for total in (10, 1_000, 10_000):
        if Reservation.objects.count() < total:
            fill(total)
        fill_journal(total)
        n = Reservation.objects.count()
        for name, url in pages.items():
            client = staff if name.startswith(("fiche", "journal")) else habitant
            queries, ms = measure(client, url)
            print(f"{n:>12}  {name:<24} {queries:>8} {ms:>10.1f}")


if __name__ == "__main__":
    main()
