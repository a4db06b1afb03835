"""L'aperçu du rapport annuel (`/rapports/<année>/`, vue de la gestion) servi en cours de
processus : millisecondes et requêtes SQL de la première requête (cache vide), des suivantes
(rien n'a changé), et de celle qui suit une écriture (une réservation confirmée ajoutée par
les services : le chiffre doit changer). Pour la démo 2015, puis (`--grand`) pour le pôle
dix fois plus grand de bench/rapport.py.

    .venv/bin/python bench/apercu.py                 # SQLite, base jetable, démo 2015
    .venv/bin/python bench/apercu.py --grand         # et le pôle dix fois plus grand
    DATABASE_URL=postgres://… .venv/bin/python bench/apercu.py --grand
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus  # noqa: E402

django_en_processus(media_temporaire=True)

from django.conf import settings  # noqa: E402

# The booking's confirmation e-mail, kept in memory rather than printed.
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from espaces.facturation import demo as facturation_demo  # noqa: E402
from phares.models import User  # noqa: E402
from rapports import cache as rapports_cache  # noqa: E402

URL = "/rapports/2015/"


def requete(client: Client) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as requetes:
        debut = time.perf_counter()
        reponse = client.get(URL, HTTP_HOST="127.0.0.1")
        ms = (time.perf_counter() - debut) * 1000
    assert reponse.status_code == 200, reponse.status_code
    return ms, len(requetes), len(reponse.content)


def sans_cache(client: Client) -> tuple[float, int, int]:
    """La requête comme avant le cache : tout rassemblé, dessiné et mis en page."""
    apercu, graphique = rapports_cache.apercu, rapports_cache.graphique
    rapports_cache.apercu = lambda annee, calculer: calculer()
    rapports_cache.graphique = lambda donnees, dessiner: dessiner()
    try:
        return requete(client)
    finally:
        rapports_cache.apercu, rapports_cache.graphique = apercu, graphique


def mesurer(titre: str, client: Client, fois: int = 10) -> None:
    """Quatre cas : sans le cache (comme avant lui) ; cache vide avant chaque requête ;
    une donnée a changé (les graphiques inchangés se relisent) ; rien de changé."""
    print(titre)
    for cas, avant, faire in (
        ("sans cache (avant)", lambda: None, sans_cache),
        ("cache vide", cache.clear, requete),
        ("aperçu recalculé, graphiques gardés", rapports_cache.invalider, requete),
        ("aperçu gardé", lambda: None, requete),
    ):
        mesures = []
        for _ in range(fois):
            avant()
            mesures.append(faire(client))
        ms = statistics.median(m[0] for m in mesures)
        print(
            f"  {cas:38} médiane {ms:7.1f} ms, {mesures[-1][1]:3d} requêtes, "
            f"{mesures[-1][2] // 1024} Ko"
        )


def ecrire() -> None:
    """Une réservation confirmée de la gestion dans une salle, par les services."""
    from espaces.models import Ressource
    from espaces.services import reservations
    from habitants.models import Structure
    from phares.lib import temps
    from phares.lib.acteur import Acteur

    gestion = User.objects.get(email="gestion@phares.test")
    debut = temps.aware(datetime.date(2015, 12, 29), datetime.time(12))
    jour = debut.date()
    structure = Structure.objects.filter(arrivee__lte=jour).exclude(depart__lt=jour).first()
    erreur = None
    # The first room free at that hour (the demo books some of them).
    for salle in Ressource.objects.filter(categorie=Ressource.Categorie.SALLE):
        try:
            reservations.reserver(
                par=Acteur.personne(gestion),
                ressource=salle,
                debut=debut,
                fin=debut + datetime.timedelta(hours=1),
                titre="Banc de l'aperçu",
                structure=structure,
                now=debut - datetime.timedelta(days=1),
            )
        except Exception as exc:
            erreur = exc
        else:
            return
    raise RuntimeError(f"aucune salle libre : {erreur}")


def main() -> None:
    """Charge la démo (et le pôle agrandi), puis mesure l'aperçu de 2015."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--grand", action="store_true", help="aussi le pôle dix fois plus grand")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # CACHE_BACKEND=database, as in production
    # The ledger's PDFs (about 45 s) say nothing about the report's preview.
    facturation_demo.MOIS_EMIS = ()
    call_command("demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(email="gestion@phares.test"))
    mesurer("Démo 2015", client)
    try:
        ecrire()
    except Exception as exc:
        print(f"  (écriture non faite : {exc})")
    else:
        avant = requete(client)
        print(f"  après une réservation : {avant[0]:.0f} ms, {avant[1]} requêtes (recalculé)")
    if args.grand:
        from bench.rapport import agrandir

        agrandir()
        # agrandir() writes in bulk, outside the services and their journal.
        rapports_cache.invalider()
        mesurer("Pôle dix fois plus grand", client)


if __name__ == "__main__":
    main()
