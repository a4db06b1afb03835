"""Affranchissement et impressions : on les trouve (menu, « Mon espace »), un membre d'une
seule structure n'a pas à la choisir, la comptabilité lit sans écrire."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from espaces.models import Consommation
from habitants.models import Membre, Structure
from tests.conftest import client_as, membre_de
from tests.espaces.views_fixtures import NOW, construire_lieu, contient

pytestmark = pytest.mark.django_db

URL = reverse("espaces:consommation-liste")
MENU = "Affranchissement et impressions"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def data(structure, **extra) -> dict:
    return {
        "structure": structure.pk,
        "service": "affranchissement",
        "date": "2026-03-02",
        "quantite": "12",
        **extra,
    }


def test_un_membre_d_une_seule_structure_ne_la_choisit_pas(lieu, membre_a, structure_a):
    client = client_as(membre_a)
    page = client.get(URL)

    assert contient(page, "Enregistrer une consommation pour Halage")
    assert '<select name="structure"' not in page.text
    assert re.search(rf'<input type="hidden" name="structure" value="{structure_a.pk}"', page.text)
    response = client.post(URL, data(structure_a))
    assert response.url == URL
    c = Consommation.objects.get()
    assert (c.structure, c.quantite, c.saisi_par) == (structure_a, 12, membre_a)
    suite = client.get(URL)
    assert contient(suite, "Consommation enregistrée : 12 × affranchissement pour Halage.")
    # 12 stamps at 1.16 € HT: the line shows its amount.
    assert "13,92\u00a0€" in suite.text


def test_un_membre_de_deux_structures_choisit_et_mon_espace_preselectionne(
    lieu, membre_a, structure_a, structure_b
):
    Membre.objects.create(user=membre_a, structure=structure_b, debut=datetime.date(2015, 1, 1))
    client = client_as(membre_a)

    page = client.get(URL)
    assert '<select name="structure"' in page.text
    assert page.context["form"]["structure"].value() is None
    choisie = client.get(f"{URL}?structure={structure_b.pk}")
    assert choisie.context["form"]["structure"].value() == structure_b.pk
    # Another structure's id in the link preselects nothing.
    autre = Structure.objects.create(nom="Autre", slug="autre")
    assert client.get(f"{URL}?structure={autre.pk}").context["form"]["structure"].value() is None


def test_mon_espace_mene_a_la_saisie(lieu, membre_a, structure_a):
    page = client_as(membre_a).get(reverse("habitants:mon-espace", args=["halage"]))

    assert f'href="{URL}?structure={structure_a.pk}"' in page.text
    assert "Enregistrer du courrier ou des impressions" in page.text


@pytest.mark.parametrize(
    ("persona", "menu"),
    [
        ("membre_a", True),
        ("habitant_b", True),
        ("associe", False),  # no structure: nothing to record
        ("gestion", True),  # in the « Bâtiment » menu
        ("comptable", True),
    ],
)
def test_le_menu(lieu, personas, persona, menu):
    page = client_as(personas[persona]).get("/")

    assert (f'href="{URL}"' in page.text) is menu
    assert page.text.count(f'href="{URL}"') <= 1


def test_la_comptabilite_lit_sans_ecrire(lieu, comptable, structure_a, referent_a):
    Consommation.objects.create(
        structure=structure_a,
        service="impression",
        date=datetime.date(2026, 3, 1),
        quantite=250,
        prix_unitaire_ht=Decimal("0.10"),
        taux_tva=Decimal("20"),
        saisi_par=referent_a,
    )
    client = client_as(comptable)

    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "Consultation seulement" in page.text
    assert "250" in page.text and "25,00\u00a0€" in page.text
    assert client.post(URL, data(structure_a)).status_code == 403
    assert Consommation.objects.count() == 1


def test_structure_partie_plus_de_saisie(lieu, membre_a, structure_a):
    """Départ hier : ses membres ne saisissent plus, mais l'entrée du menu, toujours
    montrée, ouvre l'historique en lecture (pas un refus)."""
    Structure.objects.filter(pk=structure_a.pk).update(depart=datetime.date(2026, 3, 1))
    client = client_as(membre_a)

    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"] is None and "Consultation seulement" in page.text
    assert client.post(URL, data(structure_a)).status_code == 403
    assert not Consommation.objects.exists()


def test_un_autre_membre_la_rejoint_sans_reselection(lieu, structure_a):
    """Deux membres d'Halage : chacun a la structure déjà choisie."""
    autre = membre_de(structure_a, "nouvelle@halage.test")
    assert '<select name="structure"' not in client_as(autre).get(URL).text


def test_pas_de_consommation_avant_l_arrivee_de_la_structure(lieu, gestion, structure_a):
    """La date compte, pas seulement aujourd'hui : Halage est arrivée en 2010."""
    response = client_as(gestion).post(URL, data(structure_a, date="2009-05-04"))

    assert response.status_code == 200
    assert "n'était pas hébergée au PHARES le 4 mai 2009" in html.unescape(response.text)
    assert not Consommation.objects.exists()
