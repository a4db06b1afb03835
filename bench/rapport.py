"""Le rapport annuel : temps pour rassembler ses données (`rapports.donnees.rassembler`),
nombre de requêtes, temps du rendu (aperçu HTML, PDF), pour la démo 2015 puis pour un pôle dix fois plus grand (200 structures,
dix ans de conventions, de réservations, de séances et de chiffres). Le nombre de requêtes
doit rester le même : il ne dépend ni des réservations ni des structures.

    .venv/bin/python bench/rapport.py            # SQLite, base jetable
    DATABASE_URL=postgres://… .venv/bin/python bench/rapport.py
"""

import datetime
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus  # noqa: E402

django_en_processus(media_temporaire=True)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from espaces.models import Batiment, Convention, Espace, Etage, Reservation, Ressource  # noqa: E402
from gouvernance.models import Associe, Decision, Seance  # noqa: E402
from habitants.models import ChiffresAnnuels, Domaine, Structure  # noqa: E402
from phares.lib import temps  # noqa: E402
from rapports import rendu  # noqa: E402
from rapports.donnees import rassembler  # noqa: E402

d = datetime.date
ANNEES = range(2006, 2016)  # ten years, the last one reported
STRUCTURES = 200
SALLES = 10
RESERVATIONS_PAR_SALLE_ET_JOUR = 2  # 10 rooms × 261 days × 10 years × 2 ≈ 52,000


def mesurer(annee: int, fois: int = 5) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as requetes:
        rassembler(annee)
    temps_ms = []
    for _ in range(fois):
        debut = time.perf_counter()
        rassembler(annee)
        temps_ms.append((time.perf_counter() - debut) * 1000)
    return len(requetes), statistics.median(temps_ms)


def rendre(annee: int) -> str:
    rapport = rassembler(annee)
    debut = time.perf_counter()
    rendu.html(rapport)
    html_ms = (time.perf_counter() - debut) * 1000
    debut = time.perf_counter()
    octets = rendu.pdf(rapport)
    pdf_s = time.perf_counter() - debut
    return f"aperçu HTML {html_ms:.0f} ms, PDF {pdf_s:.1f} s ({len(octets) // 1024} Ko)"


def jours_ouvres(annee: int):
    jour = d(annee, 1, 1)
    while jour.year == annee:
        if jour.weekday() < 5:
            yield jour
        jour += datetime.timedelta(days=1)


@transaction.atomic
def agrandir() -> None:
    """Ajoute au lieu de la démo un second bâtiment de 180 bureaux et 20 salles, 180
    structures arrivées et parties sur dix ans, leurs chiffres, conventions, qualités
    d'associé, et dix ans de réservations et de séances."""
    domaines = list(Domaine.objects.all())
    etage = Etage.objects.create(
        batiment=Batiment.objects.create(nom="Annexe (banc)", surface_m2=Decimal(9000)),
        niveau=5,
        nom="Annexe",
    )
    ajout = STRUCTURES - Structure.objects.count()
    structures = Structure.objects.bulk_create(
        Structure(
            nom=f"Banc {i:03d}",
            slug=f"banc-{i:03d}",
            domaine=domaines[i % len(domaines)],
            description="Structure générée pour le banc d'essai.",
            arrivee=d(ANNEES[i % 10], 1 + i % 12, 1),
            depart=d(ANNEES[i % 10] + 3, 6, 30) if i % 3 == 0 else None,
        )
        for i in range(ajout)
    )
    bureaux = Espace.objects.bulk_create(
        Espace(etage=etage, nom=f"Annexe {i:03d}", slug=f"annexe-{i:03d}", type="bureau")
        for i in range(ajout)
    )
    Convention.objects.bulk_create(
        Convention(
            structure=s, espace=b, debut=s.arrivee, fin=s.depart, montant_mensuel_ht=Decimal(300)
        )
        for s, b in zip(structures, bureaux, strict=True)
    )
    ChiffresAnnuels.objects.bulk_create(
        ChiffresAnnuels(
            structure=s, annee=annee, emplois_permanents=3, salaries_insertion=5,
            services_civiques=1, benevoles=4, statut="valide",
        )
        for s in structures
        for annee in ANNEES
        if s.arrivee.year <= annee and (s.depart is None or s.depart.year >= annee)
    )  # fmt: skip
    Associe.objects.bulk_create(
        Associe(
            structure=s, categorie="beneficiaires", entree=s.arrivee,
            sortie=s.depart, motif_sortie="perte_qualite" if s.depart else "",
        )
        for s in structures[::2]
    )  # fmt: skip
    salles = []
    for i in range(SALLES):
        espace = Espace.objects.create(
            etage=etage, nom=f"Salle annexe {i:02d}", slug=f"salle-annexe-{i:02d}",
            type="salle_reunion",
        )  # fmt: skip
        salles.append(
            Ressource.objects.create(
                categorie="salle", nom=espace.nom, slug=espace.slug, espace=espace
            )
        )
    lot = []
    for annee in ANNEES:
        presentes = [s for s in structures if s.arrivee.year <= annee]
        for n, jour in enumerate(jours_ouvres(annee)):
            for k, salle in enumerate(salles):
                for creneau in range(RESERVATIONS_PAR_SALLE_ET_JOUR):
                    debut = temps.aware(jour, datetime.time(8 + 3 * creneau))
                    fin = debut + datetime.timedelta(hours=2)
                    lot.append(
                        Reservation(
                            ressource=salle, debut=debut, fin=fin, fin_bloquee=fin,
                            structure=presentes[(n + k + creneau) % len(presentes)],
                            titre="Réunion (banc)", statut="confirmee",
                        )
                    )  # fmt: skip
            if len(lot) > 20_000:
                Reservation.objects.bulk_create(lot)
                lot = []
        for mois in range(1, 13):
            seance = Seance.objects.create(
                type="cogerance", titre=f"Banc {mois}/{annee}", lieu="Annexe",
                debut=temps.aware(d(annee, mois, 20), datetime.time(18)),
            )  # fmt: skip
            Decision.objects.bulk_create(
                Decision(
                    seance=seance, rang=r, titre=f"Décision {r}", texte="…", categorie="autre",
                    mode="consensus", resultat="adoptee",
                )
                for r in range(3)
            )  # fmt: skip
    Reservation.objects.bulk_create(lot)


def main() -> None:
    call_command("migrate", verbosity=0)
    debut = time.perf_counter()
    call_command("demo", verbosity=0)
    print(f"Démo 2015 chargée en {time.perf_counter() - debut:.0f} s.")
    print(f"  {Structure.objects.count()} structures, {Reservation.objects.count()} réservations")
    requetes_demo, ms = mesurer(2015)
    print(f"Rapport 2015 de la démo : {requetes_demo} requêtes, médiane {ms:.0f} ms")
    print(f"  rendu : {rendre(2015)}")

    debut = time.perf_counter()
    agrandir()
    print(f"Pôle dix fois plus grand généré en {time.perf_counter() - debut:.0f} s.")
    print(
        f"  {Structure.objects.count()} structures, {Reservation.objects.count()} réservations, "
        f"{Seance.objects.count()} séances, {ChiffresAnnuels.objects.count()} déclarations"
    )
    requetes_grand, ms = mesurer(2015)
    print(f"Rapport 2015 du grand pôle : {requetes_grand} requêtes, médiane {ms:.0f} ms")
    print(f"  rendu : {rendre(2015)}")
    requetes_2010, ms = mesurer(2010)
    print(f"Rapport 2010 du grand pôle : {requetes_2010} requêtes, médiane {ms:.0f} ms")
    egal = "identiques" if requetes_demo == requetes_grand else "DIFFÉRENTS"
    print(f"Nombres de requêtes de la démo et du grand pôle : {egal}.")


if __name__ == "__main__":
    main()
