"""Les plannings et la liste des réservations font un nombre fixe de requêtes : ni le
nombre de réservations affichées ni la taille de la table ne le font grandir. Le prix d'une
série non plus : ni son estimation ni sa confirmation ne relisent quoi que ce soit par
occurrence."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces.models import ForfaitSalles, Reservation, Ressource
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, creneau_data, paris

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


# Measured on SQLite, the fixed cost of a page included (session, the user with their
# roles). A member's structures are read once, for the navigation, « may I book » and what
# they read in detail; the gestion reads none of its own: it reads and moves every booking.
BORNES_PLANNINGS = {
    (SEMAINE, "membre_a"): 6,
    (SEMAINE, "gestion"): 6,
    (JOUR, "membre_a"): 5,
    (JOUR, "gestion"): 5,
}
BORNES_LISTE = {"membre_a": 7, "gestion": 8}


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
    assert peu <= BORNES_PLANNINGS[(url, persona)]
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
    page = response.context["page"]
    deuxieme_page, _ = compter(client, LISTE + "?" + page.suivante)

    # One query per part of the list it reads (upcoming, then past): a short list reads
    # both, a long one stops in the first. Never more with more bookings.
    assert beaucoup <= peu and deuxieme_page <= peu
    assert peu <= BORNES_LISTE[persona]
    assert len(page) == 50
    visibles = Reservation.objects.all()
    if persona == "membre_a":
        visibles = visibles.filter(structure=structure_a)
    assert len(page.elements) == 50 and set(page.elements) <= set(visibles)


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


# --- Le prix d'une série : quelques requêtes, quel que soit le nombre d'occurrences ---------

RESERVER_A = reverse("espaces:reserver", args=["salle-a"])
ESTIMATION_A = reverse("espaces:reserver-estimation", args=["salle-a"])


@pytest.fixture
def lieu_au_forfait(lieu, structure_a):
    """Halage paie au-delà de 10 h par mois ; la salle A se réserve un an à l'avance, pour
    qu'une série de 200 jours d'ouverture soit libre et s'étende sur dix mois."""
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2015, 1, 1)
    )
    Ressource.objects.filter(pk=lieu.salle_a.pk).update(delai_max_jours=366)
    # Bookings of the room along the series: read once, not once per occurrence.
    reservations(lieu, [structure_a], SEMAINE_DU_9, [14], ressources=[lieu.salle_a])
    return lieu


def serie(structure, frequence, nombre) -> dict:
    return creneau_data(
        a="13:00",
        structure=structure.pk,
        frequence=frequence,
        nombre=str(nombre),
        titre="AG",
        nb_personnes="8",
    )


def test_le_prix_d_une_serie_de_200_se_calcule_en_quelques_requetes(
    lieu_au_forfait, structure_a, membre_a, django_assert_max_num_queries
):
    """Le fragment htmx du prix, à chaque changement d'un champ : « chaque jour » × 200 (dix
    mois, chaque occurrence entame le forfait de son mois) autant de requêtes que × 2 (779
    avant : les créneaux pris, le forfait et les tarifs relus pour chaque occurrence)."""
    client = client_as(membre_a)
    client.get(ESTIMATION_A, serie(structure_a, "quotidienne", 2))  # warm caches (session)
    with CaptureQueriesContext(connection) as deux:
        petite = client.get(ESTIMATION_A, serie(structure_a, "quotidienne", 2))

    with django_assert_max_num_queries(12) as deux_cents:
        grande = client.get(ESTIMATION_A, serie(structure_a, "quotidienne", 200))

    assert len(deux_cents) == len(deux)
    assert contient(petite, "Cette série : 2 réservations, 8 h, dont 3 h facturées")
    assert contient(grande, "Cette série : 200 réservations, 800 h, dont 705 h facturées")
    assert "En décembre 2026 : aucune heure utilisée sur 10 h incluses" in grande.text


def test_confirmer_une_serie_ne_coute_pas_une_lecture_par_occurrence(
    lieu_au_forfait, structure_a, membre_a
):
    """La confirmation d'une série hebdomadaire × 25 : l'écriture de chaque occurrence, et
    aucune lecture qui grandisse avec la série (ni créneau relu, ni forfait, ni tarif, ni
    second calcul du prix par la page)."""
    client = client_as(membre_a)
    lectures, toutes = {}, {}
    for n in (5, 25):
        data = {**serie(structure_a, "hebdomadaire", n), "confirmer": "1", "prix_accepte": "9999"}
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(RESERVER_A, data)
        assert response.status_code == 302
        assert Reservation.objects.filter(titre="AG").count() == n
        Reservation.objects.filter(titre="AG").delete()
        toutes[n] = len(ctx.captured_queries)
        lectures[n] = len(lues(ctx.captured_queries))

    assert lectures[25] == lectures[5]
    # 324 before (a conflict check and a price read per occurrence, and the price twice).
    assert toutes[25] < 150


def lues(requetes) -> list[str]:
    """Les lectures, sans les verrous des forfaits (PostgreSQL : un SELECT par mois, pas par
    occurrence)."""
    sql = [q["sql"].lstrip() for q in requetes]
    return [q for q in sql if q.upper().startswith("SELECT") and "pg_advisory" not in q]
