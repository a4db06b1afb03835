"""Les pages des emplois mutualisés et des engagements : le poste et ses parts sur un
formulaire (erreurs en français, rien d'écrit), qui voit quels postes, l'encart de la fiche
d'une structure."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from habitants.projets import selectors
from habitants.projets.models import EmploiMutualise, Engagement, PartEmploi, Projet
from phares.models import EntreeJournal
from tests.conftest import client_as

pytestmark = pytest.mark.django_db
d = datetime.date


def donnees(parts, **champs):
    data = {
        "intitule": "Assistante administrative et comptable",
        "employeur": "",
        "employeur_nom": "La Cité PHARES (SCIC)",
        "etp": "0,8",
        "debut": "2015-01-01",
        "fin": "",
        "cout_mensuel": "2 400,00",
        "facture_par_la_cooperative": "on",
        "projet": "",
        "description": "",
        "parts-TOTAL_FORMS": str(len(parts)),
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "30",
        **champs,
    }
    for i, (structure, pct) in enumerate(parts):
        data[f"parts-{i}-structure"] = structure.pk if structure else ""
        data[f"parts-{i}-pourcentage"] = pct
    return data


def poste(structure, *autres, intitule="Couturière"):
    emploi = EmploiMutualise.objects.create(
        intitule=intitule, employeur=structure, etp=Decimal("0.5"), debut=d(2015, 3, 1)
    )
    parts = [(structure, "100")] if not autres else [(structure, "50"), (autres[0], "50")]
    for s, p in parts:
        PartEmploi.objects.create(emploi=emploi, structure=s, pourcentage=Decimal(p))
    return emploi


@pytest.mark.parametrize(("a", "b", "total"), [("50", "40", "90"), ("60", "50", "110")])
def test_des_parts_qui_ne_font_pas_100_reviennent_avec_le_message(
    gestion, structure_a, structure_b, a, b, total
):
    response = client_as(gestion).post(
        reverse("projets:emploi-nouveau"), donnees([(structure_a, a), (structure_b, b)])
    )
    assert response.status_code == 200
    assert f"Les parts font {total} % : elles doivent faire 100 %." in response.text
    assert not EmploiMutualise.objects.exists() and not PartEmploi.objects.exists()
    assert not EntreeJournal.objects.exists()


def test_une_structure_deux_fois_revient_avec_le_message(gestion, structure_a):
    response = client_as(gestion).post(
        reverse("projets:emploi-nouveau"), donnees([(structure_a, "50"), (structure_a, "50")])
    )
    assert response.status_code == 200
    assert "Halage a deux parts : une seule part par structure." in response.text
    assert not EmploiMutualise.objects.exists()


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"fin": "2014-12-31"}, "La fin du poste ne peut pas précéder son début."),
        ({"etp": "0"}, "Saisissez une valeur supérieure ou égale à 0,01."),
        ({"employeur_nom": ""}, "Choisissez la structure employeuse"),
    ],
)
def test_un_poste_incoherent_revient_avec_le_message(gestion, structure_a, champs, message):
    response = client_as(gestion).post(
        reverse("projets:emploi-nouveau"), donnees([(structure_a, "100")], **champs)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not EmploiMutualise.objects.exists()


def test_la_gestion_cree_un_poste_avec_ses_parts(gestion, structure_a, structure_b):
    response = client_as(gestion).post(
        reverse("projets:emploi-nouveau"),
        donnees([(structure_a, "62,5"), (structure_b, "37,5"), (None, "")]),
    )
    emploi = EmploiMutualise.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projets:emploi-detail", args=[emploi.pk])
    assert emploi.etp == Decimal("0.8") and emploi.cout_mensuel == Decimal("2400")
    assert dict(emploi.parts.values_list("structure__nom", "pourcentage")) == {
        "Halage": Decimal("62.5"),
        "Mode Estime": Decimal("37.5"),
    }
    assert EntreeJournal.objects.filter(operation="emploi.creer", objet_id=str(emploi.pk)).exists()
    page = client_as(gestion).get(response.url).text
    assert "62,5 %" in page and "1\u202f500,00" in page  # 62.5 % of 2 400 € for a whole month


def test_modifier_les_parts_sur_le_formulaire(gestion, structure_a, structure_b):
    emploi = poste(structure_a)
    url = reverse("projets:emploi-modifier", args=[emploi.pk])
    page = client_as(gestion).get(url).text
    assert 'name="parts-0-pourcentage" value="100,00"' in page

    data = donnees(
        [(structure_a, "70"), (structure_b, "30")],
        intitule="Couturière",
        employeur=structure_a.pk,
        employeur_nom="",
        cout_mensuel="",
        facture_par_la_cooperative="",
        **{"parts-INITIAL_FORMS": "1"},
    )
    response = client_as(gestion).post(url, data)

    assert response.status_code == 302
    assert dict(emploi.parts.values_list("structure__nom", "pourcentage")) == {
        "Halage": Decimal("70"),
        "Mode Estime": Decimal("30"),
    }
    entree = EntreeJournal.objects.get(operation="emploi.modifier")
    assert entree.changements["part de Halage"] == ["100 %", "70 %"]
    assert entree.changements["quotité (ETP)"] == ["0.5", "0.8"]


def test_retirer_une_part_en_la_cochant(gestion, structure_a, structure_b):
    emploi = poste(structure_a, structure_b)
    data = donnees(
        [(structure_a, "50"), (structure_b, "50"), (structure_a, "")],
        employeur=structure_a.pk,
        employeur_nom="",
        **{"parts-INITIAL_FORMS": "2", "parts-1-DELETE": "on"},
    )
    data["parts-0-pourcentage"] = "100"
    data["parts-2-structure"] = ""
    response = client_as(gestion).post(reverse("projets:emploi-modifier", args=[emploi.pk]), data)
    assert response.status_code == 302
    assert list(emploi.parts.values_list("structure__nom", flat=True)) == ["Halage"]


def test_un_referent_voit_les_postes_de_sa_structure(referent_a, structure_a, structure_b):
    partage = poste(structure_a, structure_b, intitule="Chargée de communication")
    de_b = poste(structure_b, intitule="Couturière")
    client = client_as(referent_a)

    liste = client.get(reverse("projets:emploi-liste")).text
    assert "Chargée de communication" in liste and "Couturière" not in liste
    assert client.get(reverse("projets:emploi-detail", args=[partage.pk])).status_code == 200
    assert client.get(reverse("projets:emploi-detail", args=[de_b.pk])).status_code == 404
    # Their structure's filter cannot reach another one.
    filtre = client.get(reverse("projets:emploi-liste"), {"structure": structure_b.pk}).text
    assert "Chargée de communication" in filtre or "Aucun poste" in filtre
    assert "Couturière" not in filtre


def test_un_simple_membre_n_a_pas_acces(membre_a, structure_a):
    emploi = poste(structure_a)
    client = client_as(membre_a)
    assert client.get(reverse("projets:emploi-liste")).status_code == 403
    assert client.get(reverse("projets:emploi-detail", args=[emploi.pk])).status_code == 403


@pytest.mark.parametrize("annee", ["2015", "abc", "99999", "-1", ""])
def test_le_filtre_de_l_annee_ne_casse_jamais(comptable, structure_a, annee):
    poste(structure_a)
    response = client_as(comptable).get(reverse("projets:emploi-liste"), {"annee": annee})
    assert response.status_code == 200
    response = client_as(comptable).get(reverse("projets:engagement-liste"), {"annee": annee})
    assert response.status_code == 200


def test_filtre_par_annee_et_structure(comptable, structure_a, structure_b):
    poste(structure_a, intitule="Poste de Halage")
    EmploiMutualise.objects.filter(intitule="Poste de Halage").update(fin=d(2015, 12, 31))
    poste(structure_b, intitule="Poste de Mode Estime")
    client = client_as(comptable)
    en_2016 = client.get(reverse("projets:emploi-liste"), {"annee": 2016}).text
    assert "Poste de Mode Estime" in en_2016 and "Poste de Halage" not in en_2016
    de_a = client.get(reverse("projets:emploi-liste"), {"structure": structure_a.pk}).text
    assert "Poste de Halage" in de_a and "Poste de Mode Estime" not in de_a


def test_engagements_creation_liste_et_referent(gestion, referent_a, structure_a, structure_b):
    response = client_as(gestion).post(
        reverse("projets:engagement-nouveau"),
        {
            "type": "service_civique",
            "personne_nom": "Inès",
            "mission": "Sensibilisation au réemploi",
            "structure": structure_a.pk,
            "projet": "",
            "debut": "2015-09-01",
            "fin": "2016-04-30",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert EntreeJournal.objects.filter(operation="engagement.creer").count() == 1
    Engagement.objects.create(type="stage", mission="Stage couture", structure=structure_b,
                              debut=d(2015, 5, 1))  # fmt: skip
    liste = client_as(referent_a).get(reverse("projets:engagement-liste")).text
    assert "Sensibilisation au réemploi" in liste and "Stage couture" not in liste
    tout = client_as(gestion).get(reverse("projets:engagement-liste")).text
    assert "Stage couture" in tout


def test_engagement_fin_avant_debut(gestion):
    response = client_as(gestion).post(
        reverse("projets:engagement-nouveau"),
        {"type": "stage", "mission": "Stage", "debut": "2015-09-01", "fin": "2015-08-01"},
    )
    assert response.status_code == 200
    assert "La fin de l&#x27;engagement ne peut pas précéder son début." in response.text
    assert not Engagement.objects.exists()


def test_engagements_du_projet(axes, structure_a):
    projet = Projet.objects.create(nom="Ressourcerie", slug="ressourcerie", axe=axes[1],
                                   debut=d(2015, 1, 1))  # fmt: skip
    Engagement.objects.create(type="service_civique", mission="Tri", projet=projet,
                              debut=d(2015, 2, 1))  # fmt: skip
    Engagement.objects.create(type="stage", mission="Ailleurs", debut=d(2015, 2, 1))
    assert [e.mission for e in selectors.engagements_du_projet(projet)] == ["Tri"]


def test_l_encart_de_la_fiche_structure(comptable, structure_a):
    poste(structure_a, intitule="Encadrant technique")
    Engagement.objects.create(type="service_civique", mission="Jardin", structure=structure_a,
                              debut=d(2015, 2, 1))  # fmt: skip
    page = (
        client_as(comptable)
        .get(reverse("habitants:structure-detail", args=[structure_a.slug]))
        .text
    )
    assert "Emplois mutualisés et engagements" in page
    assert "Encadrant technique" in page and "part de 100 %" in page and "Jardin" in page


def test_l_encart_dit_la_part_de_la_structure_et_ce_qu_elle_emploie(
    comptable, structure_a, structure_b
):
    """Sa part à elle (pas celle des autres), et un poste qu'elle emploie sans y avoir de
    part ; pas les postes qui ne la concernent pas."""
    import re

    partage = EmploiMutualise.objects.create(
        intitule="Couturière", employeur=structure_b, etp=Decimal("1"), debut=d(2015, 3, 1)
    )
    PartEmploi.objects.create(emploi=partage, structure=structure_a, pourcentage=Decimal("70"))
    PartEmploi.objects.create(emploi=partage, structure=structure_b, pourcentage=Decimal("30"))
    employe = EmploiMutualise.objects.create(
        intitule="Menuisier", employeur=structure_a, etp=Decimal("1"), debut=d(2015, 4, 1)
    )
    PartEmploi.objects.create(emploi=employe, structure=structure_b, pourcentage=Decimal("100"))
    poste(structure_b, intitule="Comptable")

    page = (
        client_as(comptable)
        .get(reverse("habitants:structure-detail", args=[structure_a.slug]))
        .text
    )

    lignes = {
        re.sub(r"<[^>]+>", "", li).split(" (")[0]: re.sub(r"<[^>]+>", "", li)
        for li in re.findall(r"<li><a href=\"/emplois-mutualises/.*?</li>", page)
    }
    assert set(lignes) == {"Couturière", "Menuisier"}
    assert "part de 70 %" in lignes["Couturière"] and "employeur" not in lignes["Couturière"]
    assert "part de" not in lignes["Menuisier"] and "— employeur" in lignes["Menuisier"]
