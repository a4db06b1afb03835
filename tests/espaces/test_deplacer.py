"""Déplacer une réservation depuis la grille (glisser-déposer ou clavier) : le service et les
règles de « Modifier », la durée gardée ; un refus dit pourquoi et ne change rien ; la
réservation d'une autre structure n'existe pas (404)."""

import datetime

import pytest
from django.urls import reverse

from espaces.models import ForfaitSalles
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, inserer, paris

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


@pytest.fixture
def reunion(lieu, structure_a, membre_a):
    """Mardi 10 mars, 9 h–10 h 30, salle A, pour Halage."""
    return inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10, 30),
        structure=structure_a,
        par=membre_a,
        titre="Comité",
        nb_personnes=4,
    )


def url(r):
    return reverse("espaces:reservation-deplacer", args=[r.pk])


def vers(heure="14:00", date="2026-03-10", **extra):
    return {"date": date, "heure_debut": heure, **extra}


def test_glisser_deplace_en_gardant_la_duree_et_journalise(reunion, membre_a, mailoutbox):
    client = client_as(membre_a)
    response = client.post(url(reunion), vers("14:00", "2026-03-12"), **JSON)

    assert response.status_code == 200
    assert response.json()["ok"] is True
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.fin) == (paris(2026, 3, 12, 14), paris(2026, 3, 12, 15, 30))
    entree = EntreeJournal.objects.get(operation="reservation.modifier")
    assert "avant : " in entree.libelle
    (mail,) = mailoutbox
    assert "Réservation modifiée" in mail.subject
    # The grid reloads: the confirmation waits on the next page.
    page = client.get(reverse("espaces:jour") + "?date=2026-03-12").content.decode()
    assert "Réservation déplacée : Salle A, jeu. 12 mars 2026 de 14:00 à 15:30." in page


def test_un_creneau_pris_est_refuse_et_rien_ne_bouge(reunion, lieu, structure_b, membre_a):
    inserer(lieu.salle_a, paris(2026, 3, 10, 14), paris(2026, 3, 10, 15), structure=structure_b)

    response = client_as(membre_a).post(url(reunion), vers("14:30"), **JSON)

    assert response.status_code == 409
    message = response.json()["message"]
    assert "Salle A est déjà réservée de 14:00 à 15:00" in message
    assert message.endswith("La réservation n'a pas bougé.")
    assert response.json()["modifier"] == reverse("espaces:reservation-modifier", args=[reunion.pk])
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)
    assert not EntreeJournal.objects.filter(operation="reservation.modifier").exists()


def test_hors_des_heures_d_ouverture(reunion, membre_a):
    response = client_as(membre_a).post(url(reunion), vers("19:00"), **JSON)
    assert response.status_code == 409
    assert "n'a pas bougé" in response.json()["message"]
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)


def test_un_deplacement_qui_coute_plus_passe_par_modifier(lieu, reunion, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2026, 1, 1)
    )
    # Another booking of March uses the allowance: the moved one would be billed.
    inserer(lieu.formation, paris(2026, 3, 3, 9), paris(2026, 3, 3, 11), structure=structure_a)

    response = client_as(membre_a).post(url(reunion), vers("14:00"), **JSON)

    assert response.status_code == 409
    assert "coûte plus" in response.json()["message"]
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        (vers("25:99"), "Saisissez une heure valide."),
        ({"date": "10/03/2026"}, "Ce champ est obligatoire."),
        (vers(date="3000-01-01"), "Les dates vont de 1900 à 2999."),
        (vers(date="2027-12-01"), "à l'avance"),
    ],
    ids=["heure", "manquante", "date-absurde", "trop-loin"],
)
def test_une_saisie_absurde_est_dite_en_francais(reunion, membre_a, donnees, message):
    response = client_as(membre_a).post(url(reunion), donnees, **JSON)
    assert response.status_code in (400, 409)
    assert response.json()["ok"] is False
    assert message in response.json()["message"]
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)


def test_sans_javascript_retour_a_la_page_avec_le_message(reunion, membre_a):
    client = client_as(membre_a)
    suivant = reverse("espaces:jour") + "?date=2026-03-10"
    response = client.post(url(reunion), vers("11:00", suivant=suivant))
    assert response.status_code == 302 and response.url == suivant
    response = client.post(url(reunion), vers("11:00", suivant="https://ailleurs.example/"))
    assert response.url == reverse("espaces:reservation-detail", args=[reunion.pk])


def test_les_autres_ne_deplacent_pas(reunion, habitant_b, comptable, cogerant, client):
    # Another structure's booking does not exist for them: 404, not merely a hidden handle.
    assert client_as(habitant_b).post(url(reunion), vers(), **JSON).status_code == 404
    assert client_as(cogerant).post(url(reunion), vers(), **JSON).status_code == 404
    assert client_as(comptable).post(url(reunion), vers(), **JSON).status_code == 403
    assert client.post(url(reunion), vers()).status_code == 302  # to the login page
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)


def test_la_gestion_deplace_celle_d_une_structure(reunion, gestion):
    response = client_as(gestion).post(url(reunion), vers("16:00"), **JSON)
    assert response.json()["ok"] is True
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 16)
