"""L'occupation mois par mois : la règle du rapport (prorata des jours, dates incluses)
sur un jeu connu, la même lecture pour le rapport et pour la page, la page (graphiques et
tableau à la française), qui la voit, et un nombre de requêtes fixe."""

import base64
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import selectors
from espaces.models import Convention, Espace, TypeEspace
from espaces.selectors.batiment import inventaire
from habitants.models import Structure
from rapports.regles import graphique_occupation
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient

pytestmark = pytest.mark.django_db

d = datetime.date
D = Decimal
URL = reverse("espaces:occupation-mensuelle")


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


def convention(structure, espace, debut, fin=None, poste=0):
    return Convention.objects.create(
        structure=structure,
        espace=espace,
        poste=poste,
        debut=debut,
        fin=fin,
        montant_mensuel_ht=D("100"),
    )


@pytest.fixture
def lieu(structure_a, structure_b):
    """Bureau 101 (15 m²) : Halage toute l'année 2015. Bureau 102 (45 m²) : Mode Estime du
    16 mars au 15 avril 2015. Co-travail (5 postes) : poste 1 du 1er au 14 février, poste 2
    toute l'année."""
    lieu = construire_lieu(structure_a)
    convention(structure_b, lieu.bureau_102, d(2015, 3, 16), d(2015, 4, 15))
    convention(structure_b, lieu.cotravail, d(2015, 2, 1), d(2015, 2, 14), poste=1)
    convention(structure_b, lieu.cotravail, d(2015, 1, 1), d(2015, 12, 31), poste=2)
    return lieu


def test_les_mois_de_2015_au_prorata_des_jours(lieu):
    mois = selectors.occupation_mensuelle([2015])[2015].mois
    janvier, fevrier, mars, avril, mai = mois[:5]
    assert [m.mois for m in mois] == [d(2015, n, 1) for n in range(1, 13)]
    assert (janvier.surface_bureaux, janvier.bureaux, janvier.postes) == (D(60), 2, 5)
    assert [m.m2_occupes for m in (janvier, fevrier, mars, avril, mai)] == [
        D("15.0"),
        D("15.0"),
        D("38.2"),  # 15 + 45 × 16/31 (16 to 31 March, both included)
        D("37.5"),  # 15 + 45 × 15/30
        D("15.0"),
    ]
    assert [m.postes_occupes for m in (janvier, fevrier, mars)] == [
        D("1.0"),
        D("1.5"),  # desk 1 for 14 days of 28
        D("1.0"),
    ]
    assert (mars.taux_bureaux, mars.taux_m2, fevrier.taux_postes) == (
        D("75.8"),  # (31 + 16) office-days of 2 × 31
        D("63.7"),  # 38.2258… of 60 m²
        D("30.0"),  # 42 desk-days of 5 × 28
    )


def test_un_bureau_sans_surface_compte_pour_zero_m2(lieu):
    Espace.objects.filter(pk=lieu.bureau_101.pk).update(surface_m2=None)
    janvier = selectors.occupation_mensuelle([2015])[2015].mois[0]
    assert (janvier.m2_occupes, janvier.taux_bureaux) == (D("0.0"), D("50.0"))


def test_sans_bureau_ni_poste_les_taux_sont_vides(db):
    janvier = selectors.occupation_mensuelle([2015])[2015].mois[0]
    assert (janvier.taux_bureaux, janvier.taux_m2, janvier.taux_postes) == (None, None, None)
    assert (janvier.m2_occupes, janvier.postes_occupes) == (D("0.0"), D("0.0"))


def test_le_rapport_lit_la_meme_regle(lieu):
    """Le graphique du rapport annuel vient du même sélecteur : mêmes taux, mois par mois."""
    mois = selectors.occupation_mensuelle([2015])[2015].mois
    graphique = graphique_occupation(2015, inventaire())
    bureaux, postes = graphique.series[0].valeurs, graphique.series[1].valeurs
    assert bureaux == [m.taux_bureaux for m in mois]
    assert postes == [m.taux_postes for m in mois]
    # 2014: Halage's agreement starts in 2015, nothing ran in 2014: no 2014 series.
    assert [s.nom for s in graphique.series] == ["Bureaux 2015", "Postes de co-travail 2015"]


def test_la_page_montre_les_graphiques_et_le_tableau(lieu, gestion, comptable):
    for personne in (gestion, comptable):
        response = client_as(personne).get(URL + "?annee=2015")
        assert response.status_code == 200
        images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', response.text)
        assert len(images) == 2
        for image in images:
            svg = base64.b64decode(image).decode()
            # French axis labels, without the floats' artefacts (0.6000000000000001).
            assert "<script" not in svg
            etiquettes = re.findall(r">([^<]*)</text>", svg)
            assert "janv." in etiquettes
            assert not [e for e in etiquettes if re.search(r"\d\.\d|0000|9999", e)], etiquettes
        assert contient(response, "Occupation des bureaux et du co-travail en 2015")
        mars = response.text.split('<th scope="row">Mars</th>', 1)[1].split("</tr>", 1)[0]
        assert [c for c in mars.replace("</td>", "").split('<td class="text-end">')[1:]] == [
            "38,2\n      ",
            "60\n      ",
            "63,7 %\n      ",
            "1\n      ",
            "5\n      ",
            "20 %\n    ",
        ]


def test_annee_illisible_ou_hors_bornes_l_annee_en_cours(lieu, gestion):
    for annee in ("abc", "1200", "99999999999999999999"):
        response = client_as(gestion).get(f"{URL}?annee={annee}")
        assert response.status_code == 200 and "en 2026</h1>" in response.text


def test_les_habitants_n_y_ont_pas_acces(lieu, membre_a, habitant_b, client):
    for personne in (membre_a, habitant_b):
        assert client_as(personne).get(URL).status_code == 403
    assert client.get(URL).status_code == 302


def test_nombre_de_requetes_fixe(lieu, gestion, domaine):
    client = client_as(gestion)

    def compter():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL + "?annee=2015").status_code == 200
        return len(ctx.captured_queries)

    peu = compter()
    structures = Structure.objects.bulk_create(
        Structure(nom=f"S{n}", slug=f"s-{n}", domaine=domaine, arrivee=d(2014, 1, 1))
        for n in range(80)
    )
    bureaux = Espace.objects.bulk_create(
        Espace(etage=lieu.etage_1, nom=f"B{n}", slug=f"b-{n}", type=TypeEspace.BUREAU,
               surface_m2=D("10"))
        for n in range(80)
    )  # fmt: skip
    Convention.objects.bulk_create(
        Convention(structure=s, espace=b, debut=debut, fin=fin, montant_mensuel_ht=D("160"))
        for s, b in zip(structures, bureaux, strict=True)
        for debut, fin in ((d(2014, 1, 1), d(2015, 5, 31)), (d(2015, 7, 1), None))
    )
    assert compter() == peu
    juin = selectors.occupation_mensuelle([2015])[2015].mois[5]
    assert juin.m2_occupes == D("15.0")  # the 80 new offices are empty in June
