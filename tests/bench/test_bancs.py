"""Les outils de mesure (bench/) : le plancher auquel bench/pages.py compare chaque page, et
le remplissage de la table des réservations, qui doit respecter la règle du non-chevauchement
que la contrainte d'exclusion impose en PostgreSQL."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from bench.pages import remplir_reservations
from espaces.models import Batiment, ClientExterne, Espace, Etage, Reservation, Ressource
from phares.lib import temps


@pytest.fixture
def urls_du_banc(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_plancher_demande_une_connexion(client, db, urls_du_banc):
    reponse = client.get("/plancher/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("account_login"))


def test_plancher_rend_la_mise_en_page_seule(client, gestion, urls_du_banc):
    client.force_login(gestion)
    reponse = client.get("/plancher/")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert 'aria-label="Navigation principale"' in page  # the site's layout, its menus
    assert "<h1" not in page  # and nothing of its own


def test_les_pages_du_site_restent_servies(client, gestion, urls_du_banc):
    client.force_login(gestion)
    assert client.get("/reservations/jour/").status_code == 200


@pytest.fixture
def salles(structure_a, structure_b):
    batiment = Batiment.objects.create(nom="B", surface_m2=100)
    etage = Etage.objects.create(batiment=batiment, niveau=0, nom="RDC")
    return [
        Ressource.objects.create(
            categorie="salle",
            nom=f"Salle {i}",
            slug=f"salle-{i}",
            espace=Espace.objects.create(
                etage=etage, nom=f"Salle {i}", slug=f"salle-{i}", type="salle_reunion"
            ),
        )
        for i in range(2)
    ]


def test_remplir_atteint_le_total_sans_chevaucher(salles, structure_a):
    jour = timezone.localdate() + datetime.timedelta(days=27)
    while jour.weekday() >= 5:
        jour -= datetime.timedelta(days=1)
    existante = Reservation.objects.create(
        ressource=salles[0],
        debut=temps.aware(jour, datetime.time(9, 30)),
        fin=temps.aware(jour, datetime.time(10, 30)),
        fin_bloquee=temps.aware(jour, datetime.time(10, 45)),
        structure=structure_a,
        titre="Déjà là",
    )
    ClientExterne.objects.create(nom="Extérieure")

    ajoutees = remplir_reservations(400)

    assert ajoutees == 399
    assert Reservation.objects.count() == 400
    actives = list(
        Reservation.objects.filter(statut__in=Reservation.STATUTS_ACTIFS).order_by(
            "ressource", "debut"
        )
    )
    for a, b in itertools.pairwise(actives):
        if a.ressource_id == b.ressource_id:
            assert a.fin_bloquee <= b.debut, (a, b)
    # The 9:00 and 10:00 slots of that room, that day, overlap the booking already there.
    assert not Reservation.objects.filter(
        ressource=salles[0], debut=temps.aware(jour, datetime.time(9))
    ).exists()
    assert Reservation.objects.filter(statut=Reservation.Statut.ANNULEE).count() == 20
    assert existante in Reservation.objects.all()
    assert remplir_reservations(400) == 0
