"""Flux iCalendar abonnables : le lien (avec son secret) ne s'affiche qu'une fois, le flux
se lit sans connexion, ne montre que ce qu'il faut, et meurt quand on le révoque."""

import datetime
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from espaces.models import ClientExterne, JetonCalendrier, Reservation
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, inserer, paris

pytestmark = pytest.mark.django_db

PAGE = reverse("espaces:calendriers")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a, structure_b, membre_a, referent_a, habitant_b):
    lieu = construire_lieu(structure_a)
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_a,
        par=membre_a,
        titre="Atelier compost",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 11, 14),
        paris(2026, 3, 11, 16),
        structure=structure_a,
        par=referent_a,
        titre="Bureau de l'association",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 12, 9),
        paris(2026, 3, 12, 12),
        structure=structure_b,
        par=habitant_b,
        titre="Recrutement confidentiel",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 13, 9),
        paris(2026, 3, 13, 10),
        structure=structure_a,
        par=membre_a,
        titre="Réunion annulée",
        statut=Reservation.Statut.ANNULEE,
    )
    return lieu


def creer_liens(user) -> tuple[str, str]:
    """Crée les liens par la page ; renvoie (page, jeton lu dans l'URL affichée)."""
    response = client_as(user).post(PAGE, {"action": "creer"})
    assert response.status_code == 200
    token = re.search(r"/calendriers/([A-Za-z0-9_-]+)/moi\.ics", response.text).group(1)
    return response.text, token


def lire(url) -> list[icalendar.Event]:
    """Le flux, sans être connecté (un agenda ne l'est pas), parsé."""
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    return list(cal.walk("VEVENT"))


def resumes(events) -> set[str]:
    return {str(e["summary"]) for e in events}


def test_liens_affiches_une_seule_fois(lieu, membre_a):
    page, token = creer_liens(membre_a)

    assert "Copiez-les maintenant : ils ne seront plus affichés." in page
    assert f"http://testserver/calendriers/{token}/moi.ics" in page
    assert f"http://testserver/calendriers/{token}/structures/halage.ics" in page
    assert f"http://testserver/calendriers/{token}/salles/salle-a.ics" in page
    assert "mode-estime" not in page
    # Stored hashed: the secret itself is nowhere in the database.
    jeton = JetonCalendrier.objects.get(user=membre_a)
    assert token not in jeton.token_hash

    again = client_as(membre_a).get(PAGE)
    assert token not in again.text
    assert "Des liens d'abonnement sont actifs depuis le 2 mars 2026." in again.text


def test_flux_personnel(lieu, membre_a):
    _, token = creer_liens(membre_a)

    events = lire(reverse("espaces:ics-personne", args=[token]))

    # Own bookings only, active ones only.
    assert resumes(events) == {"Atelier compost — Salle A"}
    (event,) = events
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert str(event["description"]) == "Réservé pour Halage."
    assert str(event["status"]) == "CONFIRMED"


def test_flux_de_la_structure(lieu, membre_a):
    _, token = creer_liens(membre_a)

    events = lire(reverse("espaces:ics-structure", args=[token, "halage"]))

    # The colleague's booking is there too.
    assert resumes(events) == {
        "Atelier compost — Salle A",
        "Bureau de l'association — Salle A",
    }
    autre = Client().get(reverse("espaces:ics-structure", args=[token, "mode-estime"]))
    assert autre.status_code == 404


def test_flux_d_une_salle_cache_les_autres_structures(lieu, membre_a, gestion):
    _, token = creer_liens(membre_a)

    events = lire(reverse("espaces:ics-salle", args=[token, "salle-a"]))

    assert resumes(events) == {
        "Atelier compost — Salle A",
        "Bureau de l'association — Salle A",
        "Occupé — Salle A",
    }
    occupe = next(e for e in events if str(e["summary"]) == "Occupé — Salle A")
    assert "description" not in occupe
    assert occupe.decoded("dtstart") == datetime.datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    body = Client().get(reverse("espaces:ics-salle", args=[token, "salle-a"])).content
    assert b"Recrutement" not in body
    assert b"Mode Estime" not in body

    # Staff feeds show everything.
    _, staff_token = creer_liens(gestion)
    staff_events = lire(reverse("espaces:ics-salle", args=[staff_token, "salle-a"]))
    assert "Recrutement confidentiel — Salle A" in resumes(staff_events)


def test_une_demande_en_attente_n_est_pas_dans_le_flux_de_la_salle(lieu, membre_a, gestion):
    """Comme dans les plannings des habitants : une demande ne retient pas la salle."""
    client_externe = ClientExterne.objects.create(
        nom="Fédération", email="f@federation.test", adresse_facturation="Bordeaux"
    )
    for jour, expire in ((16, paris(2026, 3, 1)), (17, paris(2026, 3, 9))):
        inserer(
            lieu.salle_a,
            paris(2026, 3, jour, 9),
            paris(2026, 3, jour, 10),
            externe=client_externe,
            statut=Reservation.Statut.EN_ATTENTE,
            expire_le=expire,
        )

    for user in (membre_a, gestion):
        _, token = creer_liens(user)
        events = lire(reverse("espaces:ics-salle", args=[token, "salle-a"]))
        jours = {e.decoded("dtstart").day for e in events}
        assert 12 in jours and not jours & {16, 17}, user


def test_revoquer(lieu, membre_a):
    _, token = creer_liens(membre_a)
    url = reverse("espaces:ics-personne", args=[token])
    lire(url)

    response = client_as(membre_a).post(PAGE, {"action": "revoquer"})

    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("espaces:ics-salle", args=[token, "salle-a"])).status_code == 404
    assert not JetonCalendrier.objects.filter(revoque_le__isnull=True).exists()
    page = client_as(membre_a).get(PAGE)
    assert "Aucun lien d'abonnement actif." in page.text


def test_regenerer_tue_l_ancien_lien(lieu, membre_a):
    _, ancien = creer_liens(membre_a)
    _, nouveau = creer_liens(membre_a)

    assert ancien != nouveau
    assert Client().get(reverse("espaces:ics-personne", args=[ancien])).status_code == 404
    assert resumes(lire(reverse("espaces:ics-personne", args=[nouveau]))) == {
        "Atelier compost — Salle A"
    }
    assert JetonCalendrier.objects.filter(user=membre_a, revoque_le__isnull=True).count() == 1


def test_compte_desactive(lieu, membre_a):
    _, token = creer_liens(membre_a)
    membre_a.is_active = False
    membre_a.save()

    assert Client().get(reverse("espaces:ics-personne", args=[token])).status_code == 404


def test_membre_parti_ne_voit_plus_sa_structure(lieu, membre_a):
    """Le lien survit à la fin de l'appartenance, pas l'accès aux réservations de la structure."""
    _, token = creer_liens(membre_a)
    membre_a.appartenances.update(fin=datetime.date(2026, 2, 28))

    assert Client().get(reverse("espaces:ics-structure", args=[token, "halage"])).status_code == (
        404
    )
    events = lire(reverse("espaces:ics-salle", args=[token, "salle-a"]))
    assert resumes(events) == {"Occupé — Salle A"}
