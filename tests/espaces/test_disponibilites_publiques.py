"""Le formulaire public de demande montre, avant l'envoi, les heures libres et occupées de la
salle choisie ce jour-là (jamais qui l'occupe ni pour quoi) et le prix estimé : fragment htmx
à chaque changement, et bouton « Voir les disponibilités » sans JavaScript. Borné : un seul
jour, d'aujourd'hui au délai de réservation de la salle, un nombre de lectures par connexion ;
une saisie illisible est dite en français, jamais une erreur."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces.models import ClientExterne, Reservation
from espaces.views import demandes as vues_demandes
from phares.lib import temps
from tests.conftest import preuve_de_travail
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, inserer, paris

pytestmark = pytest.mark.django_db

FRAGMENT = reverse("espaces:demande-disponibilites")
PAGE = reverse("espaces:demande-publique")
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a, structure_b):
    """Mardi 10 mars : Halage tient la salle A de 9 h à 10 h (« Comité secret »), Mode
    Estime de 14 h à 15 h 30 ; une demande extérieure en attente de 16 h à 18 h (elle ne
    retient rien) ; une réservation annulée de 18 h à 19 h."""
    lieu = construire_lieu(structure_a)
    jour = (2026, 3, 10)
    inserer(
        lieu.salle_a,
        paris(*jour, 9),
        paris(*jour, 10),
        structure=structure_a,
        titre="Comité secret",
    )
    inserer(
        lieu.salle_a,
        paris(*jour, 14),
        paris(*jour, 15, 30),
        structure=structure_b,
        titre="Défilé privé",
    )
    externe = ClientExterne.objects.create(
        nom="Concurrent indiscret", email="c@example.test", adresse_facturation="Ailleurs"
    )
    inserer(
        lieu.salle_a,
        paris(*jour, 16),
        paris(*jour, 18),
        externe=externe,
        titre="Demande d'un autre",
        statut=Reservation.Statut.EN_ATTENTE,
        expire_le=paris(*jour, 16),
    )
    inserer(
        lieu.salle_a,
        paris(*jour, 18),
        paris(*jour, 19),
        structure=structure_a,
        titre="Annulée",
        statut=Reservation.Statut.ANNULEE,
    )
    return lieu


def fragment(client, salle, ip="127.0.0.1", **params):
    return client.get(FRAGMENT, {"salle": salle.pk, "date": "2026-03-10", **params}, REMOTE_ADDR=ip)


def test_les_heures_occupees_sans_dire_qui(lieu, client):
    response = fragment(client, lieu.salle_a)

    assert response.status_code == 200
    plages = [
        (f"{temps.paris(p.debut):%H:%M}", f"{temps.paris(p.fin):%H:%M}", p.etat)
        for p in response.context["dispo"].plages
    ]
    # The pending request (16 h–18 h) and the cancelled booking hold nothing.
    assert plages == [
        ("08:00", "09:00", "libre"),
        ("09:00", "10:00", "occupe"),
        ("10:00", "14:00", "libre"),
        ("14:00", "15:30", "occupe"),
        ("15:30", "20:00", "libre"),
    ]
    texte = response.content.decode()
    assert "occupé</span> de 09:00 à 10:00" in texte
    assert "occupé</span> de 14:00 à 15:30" in texte
    assert "libre</span> de 15:30 à 20:00" in texte
    for secret in ("Comité", "Halage", "Défilé", "Mode Estime", "Concurrent", "Demande d"):
        assert secret not in texte


def test_le_battement_compte_comme_occupe(lieu, client):
    lieu.salle_a.battement_minutes = 15
    lieu.salle_a.save()
    Reservation.objects.filter(ressource=lieu.salle_a).update(
        fin_bloquee=F("fin") + datetime.timedelta(minutes=15)
    )

    texte = fragment(client, lieu.salle_a).content.decode()

    assert "occupé</span> de 09:00 à 10:15" in texte
    assert "libre</span> de 10:15 à 14:00" in texte


def test_le_prix_estime_pour_des_heures_libres(lieu, client):
    response = fragment(client, lieu.salle_a, heure_debut="10:00", heure_fin="13:00")

    # Three hours at the outside rates: 3 × 30 € the hour (cheaper than the half day).
    assert f"Prix estimé : 90,00{NBSP}€ HT (108,00{NBSP}€ TTC) pour 3 h" in response.text


def test_des_heures_occupees_le_disent_sans_dire_qui(lieu, client):
    response = fragment(client, lieu.salle_a, heure_debut="09:30", heure_fin="11:00")

    assert contient(response, "Ce créneau est occupé : choisissez des heures libres.")
    assert "Prix estimé" not in response.text
    assert "Halage" not in response.text and "Comité" not in response.text


def test_une_demande_en_attente_ne_rend_pas_le_creneau_occupe(lieu, client):
    response = fragment(client, lieu.salle_a, heure_debut="16:00", heure_fin="18:00")

    assert "Prix estimé" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"heure_debut": "07:00", "heure_fin": "09:00"}, "Salle A est ouverte de 08:00 à 20:00."),
        ({"heure_debut": "10:00", "heure_fin": "10:15"}, "Durée minimale : 30 min."),
        ({"heure_debut": "12:00", "heure_fin": "11:00"}, "L'heure de fin doit suivre"),
        ({"heure_debut": "25:00", "heure_fin": "26:00"}, "Saisissez une heure valide."),
    ],
)
def test_des_heures_impossibles_sont_dites(lieu, client, params, message):
    response = fragment(client, lieu.salle_a, **params)

    assert response.status_code == 200
    assert contient(response, message)


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026-03-01", "Choisissez un jour entre aujourd'hui et le sam. 29 août 2026"),
        ("2027-03-10", "Choisissez un jour entre aujourd'hui et le sam. 29 août 2026"),
        ("9999-12-31", "Saisissez une date"),
        ("0001-01-01", "Saisissez une date"),
        ("2026-02-30", "Saisissez une date valide."),
        ("2026-13-01", "Saisissez une date valide."),
        ("a\x00b", "Saisissez une date valide."),
        ("x" * 10_000, "Saisissez une date valide."),
    ],
)
def test_une_date_hors_bornes_ou_illisible(lieu, client, date, message):
    response = client.get(FRAGMENT, {"salle": lieu.salle_a.pk, "date": date})

    assert response.status_code == 200
    assert contient(response, message), response.text[-600:]
    assert response.context.get("dispo") is None


@pytest.mark.parametrize("salle", ["formation", "inconnue", str(2**70), "\x00"])
def test_une_salle_fermee_aux_exterieurs_ou_inconnue(lieu, client, salle):
    pk = lieu.formation.pk if salle == "formation" else salle

    response = client.get(FRAGMENT, {"salle": pk, "date": "2026-03-10"})

    assert response.status_code == 200
    assert contient(response, "Choisissez une des salles de la liste.")


def test_un_jour_ferme(lieu, client):
    response = client.get(FRAGMENT, {"salle": lieu.salle_a.pk, "date": "2026-03-14"})

    assert contient(response, "La salle est fermée ce jour-là.")


def test_sans_salle_ni_jour_la_page_dit_quoi_faire(lieu, client):
    response = client.get(FRAGMENT)

    assert contient(response, "Choisissez une salle et un jour")


def test_aujourd_hui_le_temps_passe_n_est_pas_libre(lieu, client, time_machine):
    time_machine.move_to(paris(2026, 3, 10, 11, 20), tick=False)

    response = fragment(client, lieu.salle_a)

    texte = response.content.decode()
    assert "passé</span> de 10:00 à 11:20" in texte
    assert "libre</span> de 11:20 à 14:00" in texte


def test_le_nombre_de_lectures_par_connexion_est_borne(lieu, client, monkeypatch):
    monkeypatch.setattr(vues_demandes, "DISPONIBILITES_PAR_IP", 3)
    for _ in range(3):
        assert "dispo" in fragment(client, lieu.salle_a, ip="192.0.2.9").context

    refus = fragment(client, lieu.salle_a, ip="192.0.2.9")
    autre = fragment(client, lieu.salle_a, ip="198.51.100.4")

    assert refus.status_code == 200
    assert contient(refus, "Trop de demandes de disponibilités depuis cette connexion")
    assert "dispo" in autre.context


def test_un_nombre_fixe_de_requetes(lieu, client, structure_a):
    def compter():
        with CaptureQueriesContext(connection) as ctx:
            response = fragment(client, lieu.salle_a, heure_debut="10:00", heure_fin="12:00")
        assert "Prix estimé" in response.text
        return len(ctx.captured_queries)

    peu = compter()
    for h in (16, 17, 18, 19):
        debut = paris(2026, 3, 10, h)
        inserer(lieu.salle_a, debut, debut + datetime.timedelta(minutes=30), structure=structure_a)

    # The room, its bookings' hours, the tariffs: no more with more bookings.
    assert compter() == peu == 3


def test_le_fragment_ne_s_ecrit_pas(lieu, client):
    assert client.post(FRAGMENT, {"salle": lieu.salle_a.pk}).status_code == 405


# --- La page, avec et sans JavaScript ----------------------------------------------------


def test_la_page_branche_le_fragment(lieu, client):
    page = client.get(PAGE).text

    assert f'hx-get="{FRAGMENT}"' in page
    assert 'hx-params="salle,date,heure_debut,heure_fin"' in page
    assert "Voir les disponibilités" in page


def test_voir_les_disponibilites_sans_javascript_n_envoie_rien(lieu, client, mailoutbox):
    response = client.post(
        PAGE,
        {
            "salle": lieu.salle_a.pk,
            "date": "2026-03-10",
            "heure_debut": "10:00",
            "heure_fin": "13:00",
            "organisation": "Fédération",
            "voir": "1",
        },
    )

    assert response.status_code == 200
    texte = response.content.decode()
    assert "occupé</span> de 09:00 à 10:00" in texte
    assert f"Prix estimé : 90,00{NBSP}€ HT" in texte
    # What was typed comes back, without the errors of the fields not filled yet.
    form = response.context["form"]
    assert not form.is_bound and form.initial["organisation"] == "Fédération"
    assert 'value="Fédération"' in texte
    assert "Ce champ est obligatoire" not in texte
    assert (
        not Reservation.objects.filter(statut=Reservation.Statut.EN_ATTENTE)
        .exclude(externe__nom="Concurrent indiscret")
        .exists()
    )
    assert mailoutbox == []


def test_une_demande_refusee_montre_les_disponibilites(lieu, client):
    response = client.post(
        PAGE,
        {
            "salle": lieu.salle_a.pk,
            "date": "2026-03-10",
            "heure_debut": "09:00",
            "heure_fin": "11:00",
            "titre": "AG",
            "nb_personnes": "5",
            "organisation": "Fédération",
            "email": "f@example.test",
            "adresse_facturation": "Bordeaux",
            **preuve_de_travail(),
        },
    )

    assert contient(response, "Salle A est déjà réservée de 09:00 à 10:00")
    assert "occupé</span> de 09:00 à 10:00" in response.content.decode()
