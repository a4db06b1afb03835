"""La grille des plannings : une journée de 30 salles (la démo en a 7 ; on en ajoute 23),
quatre réservations par salle, rendue pour un·e habitant·e. Imprime les requêtes et le temps
médian de la page entière, et, à contexte égal, du rendu de la grille seule et de la liste
seule (la liste est ce que montrait la page avant la grille ; le téléphone la montre
encore). Puis les requêtes de la page avec dix fois plus de réservations ce jour-là."""

import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus, mediane_ms  # noqa: E402

django_en_processus()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from espaces import selectors  # noqa: E402
from espaces.models import Espace, Reservation, Ressource, TypeEspace  # noqa: E402
from espaces.selectors import grille as grilles  # noqa: E402
from espaces.views._rendu_grille import corps, entetes  # noqa: E402
from espaces.views.planning import _preparer, _preparer_blocs  # noqa: E402
from habitants.models import Structure  # noqa: E402
from phares.lib import temps  # noqa: E402
from phares.models import User  # noqa: E402

SALLES = 30


def salles_en_plus() -> None:
    existantes = list(Ressource.objects.filter(categorie="salle"))
    modele = existantes[0]
    for n in range(SALLES - len(existantes)):
        espace = Espace.objects.create(
            etage=modele.espace.etage,
            nom=f"Salle de banc {n + 1}",
            slug=f"salle-banc-{n + 1}",
            type=TypeEspace.SALLE_REUNION,
            capacite=12,
        )
        Ressource.objects.create(categorie="salle", nom=espace.nom, slug=espace.slug, espace=espace)


def remplir(jour: datetime.date, par_salle: int, heures) -> None:
    structures = list(Structure.objects.all()[:10])
    lignes = []
    for i, salle in enumerate(Ressource.objects.filter(categorie="salle", active=True)):
        for k, (h, m) in enumerate(heures[:par_salle]):
            debut = temps.aware(jour, datetime.time(h, m))
            fin = debut + datetime.timedelta(minutes=45)
            lignes.append(
                Reservation(
                    ressource=salle,
                    debut=debut,
                    fin=fin,
                    fin_bloquee=fin + datetime.timedelta(minutes=salle.battement_minutes),
                    titre=f"Banc {k}",
                    structure=structures[(i + k) % len(structures)],
                    statut="confirmee",
                )
            )
    Reservation.objects.bulk_create(lignes)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, force=True)
    salles_en_plus()
    jour = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)
    remplir(jour, 4, [(9, 0), (11, 0), (14, 0), (16, 30)])
    user = User.objects.get(email="referent.halage@phares.test")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/reservations/jour/?date={jour}"

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    requetes, taille = len(ctx.captured_queries), len(page.content)

    lignes = selectors.jour_toutes_salles(jour)
    miennes = selectors.structures_du_membre_ids(user)
    grille = _preparer(user, grilles.grille_jour(lignes, jour), miennes)
    requete = RequestFactory().get(url)
    requete.user = user
    contexte = {
        "le": jour,
        "lignes": lignes,
        "grille": grille,
        "mode": "jour",
        "peut_reserver": True,
        "voir_tout": False,
        "mes_structures": miennes,
        "gestion": False,
        "request": requete,
        "csrf_token": "x",
    }

    def rendre_grille():
        c = corps(grille, peut_reserver=True, voir_tout=False)
        e = entetes(grille, mode="jour", peut_reserver=True, jour_url="")
        return gabarit_grille.render({**contexte, "entetes_grille": e, "corps_grille": c})

    gabarit_grille = get_template("espaces/_grille.html")

    def liste():
        # The blocks of the list, written by the view (espaces/views/planning.py).
        _preparer_blocs(lignes, voir_tout=False, miennes=miennes, peut_reserver=True)

    print(f"base : {connection.vendor} ; {len(lignes)} salles, 4 réservations chacune, {jour}")
    print(
        f"page entière (grille + liste du téléphone) : {requetes} requêtes, {taille // 1024} ko, "
        f"médiane {mediane_ms(lambda: client.get(url)):.1f} ms"
    )
    print(
        f"construire la grille (sans requête)      : médiane "
        f"{mediane_ms(lambda: _preparer(user, grilles.grille_jour(lignes, jour), miennes)):.1f} ms"
    )
    print(
        f"rendre la grille seule                    : médiane "
        f"{mediane_ms(rendre_grille):.1f} ms ({len(rendre_grille()) // 1024} ko)"
    )
    print(f"rendre la liste seule (avant la grille)   : médiane {mediane_ms(liste):.1f} ms")

    dense = jour + datetime.timedelta(days=1)
    remplir(dense, 10, [(h, 0) for h in range(8, 18)])
    url_dense = f"/reservations/jour/?date={dense}"
    client.get(url_dense)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url_dense)
    print(
        f"le lendemain, 10 réservations par salle ({10 * len(lignes)}) : "
        f"{len(ctx.captured_queries)} requêtes, médiane {mediane_ms(lambda: client.get(url_dense)):.1f} ms"
    )


if __name__ == "__main__":
    main()
