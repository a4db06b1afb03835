"""Les fins de convention des douze mois à venir : groupées par mois (chaque mois présent,
même vide), loyer mensuel HT en jeu et total par mois en Decimal, écrits à la française ;
bornes incluses ; une convention déjà prolongée n'y est pas ; à l'équipe seulement ; nombre
de requêtes fixe."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import selectors
from espaces.models import Convention, Espace, TypeEspace
from habitants.models import Structure
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu

pytestmark = pytest.mark.django_db

d = datetime.date
D = Decimal
URL = reverse("espaces:echeances")


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)  # Monday 2 March 2026


def convention(structure, espace, debut, fin, montant, poste=0):
    return Convention.objects.create(
        structure=structure,
        espace=espace,
        poste=poste,
        debut=debut,
        fin=fin,
        montant_mensuel_ht=D(montant),
    )


@pytest.fixture
def lieu(structure_a, structure_b):
    lieu = construire_lieu(structure_a)  # Halage: bureau 101 since 2015, no end
    b, cotravail = lieu.bureau_102, lieu.cotravail
    convention(structure_b, b, d(2025, 1, 1), d(2026, 3, 1), "999.99")  # ended yesterday
    convention(structure_b, b, d(2026, 3, 2), d(2026, 3, 2), "10.50")  # its last day is today
    convention(structure_b, cotravail, d(2020, 1, 1), d(2026, 6, 30), "120.00", poste=1)
    convention(structure_b, cotravail, d(2020, 1, 1), d(2026, 6, 30), "1234.56", poste=2)
    # Renewed: the same structure holds the same desk again after it: not at stake.
    convention(structure_a, cotravail, d(2020, 1, 1), d(2026, 9, 30), "120.00", poste=3)
    convention(structure_a, cotravail, d(2026, 10, 1), None, "125.00", poste=3)
    convention(structure_b, cotravail, d(2021, 1, 1), d(2027, 2, 28), "80.00", poste=4)  # last
    convention(structure_b, cotravail, d(2021, 1, 1), d(2027, 3, 1), "70.00", poste=5)  # beyond
    return lieu


def texte(response) -> str:
    """La page en texte simple, comme on la lit."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


def contient(response, morceau: str) -> bool:
    return morceau in texte(response)


def test_douze_mois_groupes_avec_leurs_totaux(lieu):
    e = selectors.echeancier(le=d(2026, 3, 2))
    assert (e.du, e.au) == (d(2026, 3, 2), d(2027, 2, 28))
    assert [m.mois for m in e.mois] == [
        d(2026, 3, 1), d(2026, 4, 1), d(2026, 5, 1), d(2026, 6, 1), d(2026, 7, 1),
        d(2026, 8, 1), d(2026, 9, 1), d(2026, 10, 1), d(2026, 11, 1), d(2026, 12, 1),
        d(2027, 1, 1), d(2027, 2, 1),
    ]  # fmt: skip
    totaux = {m.mois.month: m.total_ht for m in e.mois if m.conventions}
    assert totaux == {3: D("10.50"), 6: D("1354.56"), 2: D("80.00")}
    assert all(isinstance(m.total_ht, Decimal) for m in e.mois)
    assert (e.nombre, e.total_ht) == (4, D("1445.06"))
    juin = e.mois[3]
    assert [c.poste for c in juin.conventions] == [1, 2]


def test_la_page_a_la_francaise(lieu, gestion, comptable):
    for personne in (gestion, comptable):
        response = client_as(personne).get(URL)
        assert response.status_code == 200
        assert contient(response, "Juin 2026 — 2 fins, 1\u202f354,56\u00a0€ HT par mois")
        assert contient(response, "Total de juin 2026")
        assert contient(response, "1\u202f234,56\u00a0€")
        assert contient(response, "Juillet 2026 — aucune fin")
        assert contient(response, "4 conventions se terminent sur ces douze mois")
        assert contient(response, "1\u202f445,06\u00a0€")
        assert "999,99" not in response.text and "70,00" not in response.text


def test_a_partir_d_une_autre_date(lieu, gestion):
    response = client_as(gestion).get(URL + "?date=2026-04-01")
    assert not contient(response, "10,50")  # ended on 2 March
    assert contient(response, "entre le 1er avr. 2026 et le 31 mars 2027")
    assert contient(response, "Mars 2027 — 1 fin, 70,00\u00a0€ HT par mois")


def test_les_loyers_ne_sont_pas_aux_habitants(lieu, membre_a, habitant_b, cogerant):
    for personne in (membre_a, habitant_b, cogerant):
        assert client_as(personne).get(URL).status_code == 403


def test_nombre_de_requetes_fixe(lieu, gestion, domaine):
    client = client_as(gestion)

    def compter():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    peu = compter()
    structures = Structure.objects.bulk_create(
        Structure(nom=f"S{n}", slug=f"s-{n}", domaine=domaine, arrivee=d(2014, 1, 1))
        for n in range(100)
    )
    bureaux = Espace.objects.bulk_create(
        Espace(etage=lieu.etage_1, nom=f"B{n}", slug=f"b-{n}", type=TypeEspace.BUREAU)
        for n in range(100)
    )
    Convention.objects.bulk_create(
        Convention(
            structure=s,
            espace=b,
            debut=d(2020, 1, 1),
            fin=d(2026, 4 + n % 9, 15),
            montant_mensuel_ht=D("150.00"),
        )
        for n, (s, b) in enumerate(zip(structures, bureaux, strict=True))
    )
    assert compter() == peu
    assert selectors.echeancier(le=d(2026, 3, 2)).nombre == 104
