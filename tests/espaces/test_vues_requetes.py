"""Les plannings et la liste des réservations font un nombre fixe de requêtes : ni le
nombre de réservations affichées ni la taille de la table ne le font grandir."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces.models import Reservation
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, paris

pytestmark = pytest.mark.django_db

SEMAINE = reverse("espaces:semaine", args=["salle-a"]) + "?semaine=2026-03-09"
JOUR = reverse("espaces:jour") + "?date=2026-03-10"
LISTE = reverse("espaces:reservation-liste")


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def reservations(lieu, structures, jours, heures, *, ressources=None) -> list[Reservation]:
    """Des réservations d'une heure, alternant les structures, sans passer par le service."""
    rows = []
    ressources = ressources or [lieu.salle_a, lieu.formation]
    for jour in jours:
        for h in heures:
            for i, ressource in enumerate(ressources):
                debut = paris(jour.year, jour.month, jour.day, h)
                fin = debut + datetime.timedelta(hours=1)
                rows.append(
                    Reservation(
                        ressource=ressource,
                        debut=debut,
                        fin=fin,
                        fin_bloquee=fin + datetime.timedelta(minutes=ressource.battement_minutes),
                        structure=structures[(h + i) % len(structures)],
                        titre=f"Réunion {jour:%d/%m} {h} h",
                    )
                )
    return Reservation.objects.bulk_create(rows)


def compter(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# Five weekdays of the week of 9 March, 10 bookings on the week view (salle A).
SEMAINE_DU_9 = [datetime.date(2026, 3, 9) + datetime.timedelta(days=i) for i in range(5)]
# 2 000+ bookings elsewhere: every weekday of 2025, both rooms, several hours.
AILLEURS = [
    datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
    for i in range(365)
    if (datetime.date(2025, 1, 1) + datetime.timedelta(days=i)).isoweekday() <= 5
]


@pytest.mark.parametrize("persona", ["membre_a", "gestion"])
@pytest.mark.parametrize(
    ("url", "affichees"), [(SEMAINE, (10, 20)), (JOUR, (2, 4))], ids=["semaine", "jour"]
)
def test_plannings_a_nombre_de_requetes_fixe(
    lieu, structure_a, structure_b, personas, persona, url, affichees
):
    client = client_as(personas[persona])
    structures = [structure_a, structure_b]
    reservations(lieu, structures, SEMAINE_DU_9, [9, 14], ressources=[lieu.salle_a])
    client.get(url)  # warm caches (session, content types)

    peu, response = compter(client, url)
    assert response.text.count("bloc-pris") == affichees[0]
    autres = reservations(lieu, structures, AILLEURS, [8, 10, 12, 15])
    assert len(autres) > 2000
    beaucoup, _ = compter(client, url)
    # More bookings on the page itself (both structures) change nothing either.
    reservations(lieu, structures, SEMAINE_DU_9, [11, 16], ressources=[lieu.salle_a])
    plus, response = compter(client, url)

    assert peu == beaucoup == plus
    assert peu <= 12
    assert response.text.count("bloc-pris") == affichees[1]


@pytest.mark.parametrize("persona", ["membre_a", "gestion"])
def test_liste_des_reservations_a_nombre_de_requetes_fixe(
    lieu, structure_a, structure_b, personas, persona
):
    client = client_as(personas[persona])
    reservations(lieu, [structure_a, structure_b], SEMAINE_DU_9, [9])
    client.get(LISTE)

    peu, _ = compter(client, LISTE)
    reservations(lieu, [structure_a, structure_b], AILLEURS, [8, 10, 12, 15])
    beaucoup, response = compter(client, LISTE)
    deuxieme_page, _ = compter(client, LISTE + "?page=2&statut=confirmee")

    assert peu == beaucoup == deuxieme_page
    assert peu <= 12
    page = response.context["page"]
    assert len(page) == 50
    visibles = Reservation.objects.count()
    if persona == "membre_a":
        visibles = Reservation.objects.filter(structure=structure_a).count()
    assert page.paginator.count == visibles


def test_page_velos_a_nombre_de_requetes_fixe(lieu, structure_a, structure_b, membre_a):
    client = client_as(membre_a)
    url = reverse("espaces:velos") + "?date=2026-03-10"
    client.get(url)

    peu, _ = compter(client, url)
    reservations(lieu, [structure_a, structure_b], [datetime.date(2026, 3, 10)], [9, 11, 14],
                 ressources=lieu.velos)  # fmt: skip
    beaucoup, response = compter(client, url)

    assert peu == beaucoup
    assert response.text.count("Vélo 1 : ") == 3
