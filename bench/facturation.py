"""Facturation d'un mois pour 200 structures : préparation des brouillons, puis émission
(PDF Factur-X de chaque facture), le rendu d'une facture seule, un paiement, la liste des
impayés et deux exports. Imprime les temps et les nombres de requêtes.

    .venv/bin/python bench/facturation.py            # SQLite, base jetable
    DATABASE_URL=postgres://… .venv/bin/python bench/facturation.py
"""

import datetime
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus  # noqa: E402

django_en_processus(hachage_rapide=False)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from espaces.facturation import exports, reglements, rendu, selectors, services  # noqa: E402
from espaces.facturation.demo import COOPERATIVE  # noqa: E402
from espaces.facturation.models import Cooperative, Facture  # noqa: E402
from espaces.models import Batiment, Consommation, Convention, Espace, Etage  # noqa: E402
from habitants.models import Structure  # noqa: E402
from phares.lib.acteur import Acteur  # noqa: E402
from phares.models import User  # noqa: E402

N = int(os.environ.get("BENCH_STRUCTURES", "200"))
MOIS = datetime.date(2015, 3, 1)
PAR = Acteur.systeme("bench")


def remplir() -> None:
    call_command("migrate", verbosity=0)
    Cooperative.objects.create(**COOPERATIVE)
    etage = Etage.objects.create(
        batiment=Batiment.objects.create(nom="Banc d'essai", surface_m2=Decimal(5000)),
        niveau=0,
        nom="RDC",
    )
    saisie = User.objects.create_user(email="bench@phares.test", password="x")
    for i in range(N):
        s = Structure.objects.create(
            nom=f"Structure {i:03d}",
            slug=f"s{i:03d}",
            arrivee=datetime.date(2014, 1, 1),
            adresse_facturation="6 rue Arnold Géraux\n93450 L'Île-Saint-Denis",
            email_facturation=f"compta@s{i:03d}.test",
        )
        bureau = Espace.objects.create(
            etage=etage,
            nom=f"Bureau {i:03d}",
            slug=f"b{i:03d}",
            type="bureau",
            surface_m2=Decimal("18"),
        )
        # Every tenth arrives on the 15th: a prorated line.
        Convention.objects.create(
            structure=s,
            espace=bureau,
            montant_mensuel_ht=Decimal("288.00"),
            debut=datetime.date(2015, 3, 15) if i % 10 == 0 else datetime.date(2014, 1, 1),
        )
        for jour in (3, 17):
            Consommation.objects.create(
                structure=s,
                service="affranchissement",
                date=MOIS.replace(day=jour),
                quantite=12,
                prix_unitaire_ht=Decimal("0.68"),
                taux_tva=Decimal("20"),
                saisi_par=saisie,
            )


def main() -> None:
    remplir()
    print(f"{N} structures, {connection.vendor}")
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        bilan = services.preparer_mois(mois=MOIS, par=PAR)
        preparation = time.perf_counter() - t
    print(
        f"préparer le mois : {preparation:.2f} s, {len(q)} requêtes, {bilan.brouillons} "
        f"brouillons, {bilan.lignes} lignes"
    )
    t = time.perf_counter()
    services.preparer_mois(mois=MOIS, par=PAR)
    print(f"relancer la préparation : {time.perf_counter() - t:.2f} s")

    doc = services.document(Facture.objects.brouillons().first())
    rendus = []
    for _ in range(5):
        t = time.perf_counter()
        rendu.pdf(doc)
        rendus.append(time.perf_counter() - t)
    print(
        f"rendu d'une facture (PDF/A-3 + XML) : médiane {statistics.median(rendus) * 1000:.0f} ms"
        f" (première {rendus[0] * 1000:.0f} ms)"
    )

    t = time.perf_counter()
    emises, erreurs = services.emettre_brouillons(mois=MOIS, par=PAR, le=datetime.date(2015, 4, 3))
    duree = time.perf_counter() - t
    print(
        f"émettre le mois : {duree:.1f} s pour {len(emises)} factures "
        f"({duree / max(len(emises), 1) * 1000:.0f} ms par facture), {len(erreurs)} erreur(s)"
    )
    for erreur in erreurs[:3]:
        print(f"  {erreur}")

    # Half the clients pay (each their own invoice), the rest is overdue on 1 June.
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        for f in emises[: len(emises) // 2]:
            reglements.enregistrer_paiement(
                structure=f.structure,
                factures=[f],
                date=datetime.date(2015, 4, 20),
                montant=f.total_ttc,
                moyen="virement",
                par=PAR,
            )
    n = max(len(emises) // 2, 1)
    print(
        f"enregistrer un paiement : {(time.perf_counter() - t) / n * 1000:.1f} ms, "
        f"{len(q) / n:.0f} requêtes"
    )
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        groupes = selectors.impayes_par_client(datetime.date(2015, 6, 1))
    print(
        f"impayés : {len(groupes)} clients en retard en {(time.perf_counter() - t) * 1000:.0f} ms, "
        f"{len(q)} requêtes"
    )
    periode = exports.Periode(datetime.date(2015, 4, 1), datetime.date(2015, 4, 30))
    for nom in ("ventes", "paiements"):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            fichier = io.BytesIO()
            exports.EXPORTS[nom].ecrire(periode, fichier)
            taille = len(fichier.getvalue())
        print(
            f"export {nom} : {(time.perf_counter() - t) * 1000:.0f} ms, {taille / 1024:.1f} ko, "
            f"{len(q)} requêtes"
        )


if __name__ == "__main__":
    main()
