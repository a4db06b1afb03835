"""Postes dédiés au pôle : leurs ETP à une date, et sur une année au prorata des jours (le
« 2,5 équivalents temps plein dédiés au PHARES » du rapport)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from gouvernance import selectors
from gouvernance.models import PosteDedie
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.gouvernance.registre.conftest import etat_base, lisible

pytestmark = pytest.mark.django_db
d = datetime.date
D = Decimal


def poste(intitule, etp, debut, fin=None, fonction="technique"):
    return PosteDedie.objects.create(
        intitule=intitule, fonction=fonction, employeur="SCIC", etp=D(etp), debut=debut, fin=fin
    )


@pytest.fixture
def postes_2015(db):
    """Les postes du rapport 2015 : 1 + 0,5 + 0,5 + 0,2 + 0,1 + 0,2 = 2,5 ETP."""
    for intitule, etp in [
        ("Chargée de développement", "1"),
        ("Assistant technique 1", "0.5"),
        ("Assistant technique 2", "0.5"),
        ("Support comptable", "0.2"),
        ("Support RH", "0.1"),
        ("Accueil", "0.2"),
    ]:
        poste(intitule, etp, d(2014, 6, 1))


def test_les_postes_de_2015_font_deux_et_demi(postes_2015):
    assert selectors.etp_dedies(annee=2015) == D("2.5")
    assert selectors.etp_dedies(le=d(2015, 6, 30)) == D("2.5")


@pytest.mark.parametrize(
    ("debut", "fin", "etp", "annee", "attendu"),
    [
        (d(2015, 1, 1), None, "1", 2015, "1.00"),
        (d(2015, 7, 1), None, "0.5", 2015, "0.25"),  # 0.5 × 184 / 365 = 0.252… → 0.25
        (d(2015, 1, 1), d(2015, 6, 30), "1", 2015, "0.50"),  # 181 / 365 = 0.4959 → 0.50
        (d(2016, 1, 1), d(2016, 12, 31), "1", 2016, "1.00"),  # a leap year counts 366 days
        (d(2014, 6, 1), None, "1", 2014, "0.59"),  # 214 / 365
        (d(2016, 1, 1), None, "1", 2015, "0.00"),
    ],
)
def test_etp_annuels_au_prorata(db, debut, fin, etp, annee, attendu):
    poste("Poste", etp, debut, fin)
    assert selectors.etp_dedies(annee=annee) == D(attendu)


def test_etp_a_une_date_bornes_incluses(db):
    poste("Été", "0.5", d(2015, 6, 1), d(2015, 8, 31))
    poste("Année", "1", d(2015, 1, 1))
    assert selectors.etp_dedies(le=d(2015, 8, 31)) == D("1.5")
    assert selectors.etp_dedies(le=d(2015, 9, 1)) == D("1")
    assert selectors.etp_dedies(le=d(2014, 12, 31)) == D("0")


def test_il_faut_une_annee_ou_une_date(db):
    with pytest.raises(TypeError):
        selectors.etp_dedies()
    with pytest.raises(TypeError):
        selectors.etp_dedies(annee=2015, le=d(2015, 1, 1))


def test_la_page_des_postes(postes_2015, associe):
    page = lisible(client_as(associe).get(reverse("gouvernance:postes"), {"annee": "2015"}).text)
    assert "Postes dédiés au PHARES en 2015" in page
    assert "2,5 ETP dédiés au PHARES en 2015" in page
    assert "Ajouter un poste" not in page


def test_la_gestion_ajoute_et_modifie_un_poste(gestion, comptable):
    client = client_as(gestion)
    response = client.post(
        reverse("gouvernance:poste-nouveau"),
        {
            "fonction": "comptabilite",
            "intitule": "Support comptable",
            "personne": comptable.pk,
            "employeur": "SCIC La Cité PHARES",
            "etp": "0,2",
            "debut": "2014-06-01",
        },
    )
    assert response.status_code == 302 and response.url == "/gouvernance/postes/?annee=2014"
    p = PosteDedie.objects.get()
    assert (p.titulaire, p.etp) == ("Camille", D("0.20"))
    response = client.post(
        reverse("gouvernance:poste-modifier", args=[p.pk]),
        {
            "fonction": "comptabilite",
            "intitule": "Support comptable",
            "personne": comptable.pk,
            "employeur": "SCIC La Cité PHARES",
            "etp": "0,3",
            "debut": "2014-06-01",
            "fin": "2016-12-31",
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.etp, p.fin) == (D("0.30"), d(2016, 12, 31))
    modif = EntreeJournal.objects.get(operation="poste.modifier")
    assert modif.changements["ETP"] == ["0.2", "0.3"]


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ({"etp": "0"}, "supérieure ou égale à 0,01"),
        ({"etp": "11"}, "inférieure ou égale à 10"),
        ({"fin": "2014-01-01"}, "La fin du poste ne peut pas précéder son début."),
        ({"personne_nom": "Quelqu'un", "personne": "$comptable"}, "pas les deux"),
        ({"intitule": ""}, "Ce champ est obligatoire"),
    ],
)
def test_un_poste_faux_est_refuse_sans_rien_ecrire(gestion, comptable, saisie, message):
    data = {
        "fonction": "accueil",
        "intitule": "Accueil",
        "employeur": "SCIC",
        "etp": "0.2",
        "debut": "2014-06-01",
        **{k: (comptable.pk if v == "$comptable" else v) for k, v in saisie.items()},
    }
    avant = etat_base()
    response = client_as(gestion).post(reverse("gouvernance:poste-nouveau"), data)
    assert response.status_code == 200
    assert message in lisible(response.text)
    assert etat_base() == avant
