"""Les pages du bâtiment, des tarifs et des consommations : chaque texte a une longueur
maximale (un mégaoctet collé dans un champ est refusé en français, rien n'est écrit),
chaque date se choisit dans un vrai sélecteur, et tout s'affiche à la française."""

import re

import pytest
from django.urls import reverse

from espaces.models import Ressource
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient
from tests.test_robustesse import etat

pytestmark = pytest.mark.django_db

MEGA = "é" * (1024 * 1024)


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def espace(lieu, **extra):
    return {"nom": "Salle B", "etage": lieu.etage_1.pk, "type": "salle_reunion", **extra}


def batiment(lieu, **extra):
    data = {
        "nom": "Les PHARES",
        "adresse": "",
        "surface_m2": "3500",
        "etages-TOTAL_FORMS": "2",
        "etages-INITIAL_FORMS": "2",
        "etages-0-id": lieu.rdc.pk,
        "etages-0-niveau": "0",
        "etages-0-nom": "Rez-de-chaussée",
        "etages-1-id": lieu.etage_1.pk,
        "etages-1-niveau": "1",
        "etages-1-nom": "Premier étage",
    }
    return {**data, **extra}


# (persona, URL, valid data, field, where the error shows)
CHAMPS_TEXTE = [
    ("gestion", "espaces:espace-nouveau", espace, "nom", "nom", 120),
    ("gestion", "espaces:espace-nouveau", espace, "equipements", "equipements", 2000),
    ("gestion", "espaces:espace-nouveau", espace, "accessibilite", "accessibilite", 2000),
    ("gestion", "espace-modifier", espace, "equipements", "equipements", 2000),
    ("gestion", "espaces:batiment-modifier", batiment, "nom", "nom", 200),
    ("gestion", "espaces:batiment-modifier", batiment, "adresse", "adresse", 300),
    ("gestion", "espaces:batiment-modifier", batiment, "etages-1-nom", "etages-1-nom", 100),
    ("gestion", "espaces:convention-nouvelle", None, "notes", "notes", 2000),
    ("referent_a", "espaces:consommation-liste", None, "commentaire", "commentaire", 200),
    ("gestion", "espaces:consommation-liste", None, "commentaire", "commentaire", 200),
]


@pytest.mark.parametrize(
    ("persona", "name", "base", "champ", "erreur", "maximum"),
    CHAMPS_TEXTE,
    ids=[f"{c[1]}-{c[3]}-{c[0]}" for c in CHAMPS_TEXTE],
)
def test_un_megaoctet_dans_un_texte_est_refuse(
    lieu, personas, structure_a, persona, name, base, champ, erreur, maximum
):
    if name == "espace-modifier":
        url = reverse("espaces:espace-modifier", args=["salle-a"])
        data = espace(lieu, nom="Salle A")
    else:
        url = reverse(name)
        data = {
            "espaces:convention-nouvelle": {
                "structure": structure_a.pk,
                "espace": lieu.bureau_102.pk,
                "debut": "2026-04-01",
            },
            "espaces:consommation-liste": {
                "structure": structure_a.pk,
                "service": "impression",
                "date": "2026-03-02",
                "quantite": "3",
            },
        }.get(name) or base(lieu)
    client = client_as(personas[persona])
    avant = etat()

    response = client.post(url, {**data, champ: MEGA})

    assert response.status_code == 200
    attendu = f"Assurez-vous que cette valeur comporte au plus {maximum} caractères"
    if champ.startswith("etages-"):
        erreurs = response.context["etages"].forms[1].errors["nom"]
    else:
        erreurs = response.context["form"].errors[erreur]
    assert any(e.startswith(attendu) for e in erreurs), erreurs
    assert contient(response, attendu)
    assert etat() == avant
    # The page tells the browser too: it stops typing at the limit.
    assert f'maxlength="{maximum}"' in response.text


def test_un_texte_a_la_limite_passe(lieu, gestion):
    texte = "x" * 2000
    response = client_as(gestion).post(
        reverse("espaces:espace-nouveau"), espace(lieu, equipements=texte)
    )

    assert response.status_code == 302
    assert Ressource.objects.count() == 4  # not bookable: no new resource
    assert client_as(gestion).get("/espaces/fiche/salle-b/").text.count(texte) == 1


# --- Dates -------------------------------------------------------------------------------

DATES = [
    ("gestion", "/espaces/", ["date", "filtre_date"]),
    ("gestion", "/espaces/conventions/", ["active_le"]),
    ("gestion", "/espaces/conventions/nouvelle/", ["debut", "fin"]),
    ("referent_a", "/espaces/consommations/", ["date", "filtre_du", "filtre_au"]),
    ("gestion", "/espaces/tarifs/", ["debut", "fin"]),
    ("gestion", "/espaces/forfaits/", ["debut"]),
]


@pytest.mark.parametrize(("persona", "url", "ids"), DATES, ids=[d[1] for d in DATES])
def test_chaque_date_a_un_selecteur(lieu, personas, persona, url, ids):
    page = client_as(personas[persona]).get(url).text

    for id_ in ids:
        id_ = id_ if id_.startswith("filtre_") else f"id_{id_}"
        (balise,) = re.findall(rf'<input[^>]*id="{id_}"[^>]*>', page)
        assert 'type="date"' in balise, balise


def test_les_dates_des_pages_de_tarif_et_de_convention(lieu, gestion):
    client = client_as(gestion)
    tarif = lieu.tarifs["impression"]

    assert 'id="id_fin"' in client.get(f"/espaces/tarifs/{tarif.pk}/terminer/").text
    page = client.get(f"/espaces/tarifs/{tarif.pk}/remplacer/").text
    assert re.search(r'<input type="date" name="a_partir_du"', page)
    page = client.get(f"/espaces/conventions/{lieu.convention_a.pk}/terminer/").text
    assert re.search(r'<input type="date" name="fin"', page)


def test_le_filtre_libre_ou_occupe_garde_la_date_affichee(lieu, gestion):
    """Filtrer les espaces libres depuis le formulaire du bas : la date de la page reste."""
    page = client_as(gestion).get("/espaces/?date=2014-12-31&occupation=occupe")

    assert re.search(
        r'id="filtre_date"[^>]*value="2014-12-31"|value="2014-12-31"[^>]*id="filtre_date"',
        page.text,
    )
    # Before Halage arrived, nothing was occupied.
    assert "Bureau 101" not in page.text.split('id="titre-espaces"')[1]


# --- Formats ------------------------------------------------------------------------------


def test_formats_francais(lieu, gestion, structure_a):
    client = client_as(gestion)

    tarifs = client.get("/espaces/tarifs/").text
    assert "1er janv. 2015" in tarifs and "1,16\u00a0€" in tarifs
    fiche = client.get("/espaces/fiche/bureau-101/").text
    assert "<td>1er janv. 2015</td><td>sans terme</td><td>225,00\u00a0€</td>" in fiche
    salle = client.get("/espaces/fiche/salle-formation/").text
    assert "de 30 min à 10 h, 15 min de battement après chaque réservation" in salle
    conventions = client.get("/espaces/conventions/").text
    assert "<td>1er janv. 2015</td>" in conventions
    assert "Occupation le 2 mars 2026" in client.get("/espaces/").text
