"""Paroles d'habitants : la gestion les recueille ; toute personne connectée les lit ; une
parole anonyme ne nomme personne, nulle part ; le rapport prend celles de l'année, dans l'ordre."""

import html

import pytest

from habitants.projets import selectors
from habitants.projets.models import Parole
from phares.models import EntreeJournal
from tests.conftest import axe, client_as

LISTE = "/paroles/"
NOUVELLE = "/paroles/nouvelle/"


def donnees(**champs):
    return {
        "texte": "On a trouvé ici des voisins qui nous ressemblent.",
        "anonyme": "on",
        "auteur": "",
        "structure": "",
        "annee": "2015",
        "axe": axe(1).pk,
        "dans_le_rapport": "on",
        "rang": "1",
        **champs,
    }


def test_la_gestion_ajoute_une_parole_anonyme(gestion, membre_a):
    response = client_as(gestion).post(NOUVELLE, donnees())

    assert response.status_code == 302 and response.url == f"{LISTE}?annee=2015"
    parole = Parole.objects.get()
    assert parole.anonyme and parole.auteur == "" and parole.structure is None
    assert EntreeJournal.objects.filter(operation="parole.creer", par=gestion).exists()
    texte = html.unescape(client_as(membre_a).get(LISTE).text)
    assert "On a trouvé ici des voisins qui nous ressemblent." in texte
    assert "Parole d'habitant, 2015" in texte


def test_une_parole_anonyme_ne_nomme_personne(gestion, structure_a):
    client = client_as(gestion)
    for champs in ({"auteur": "Maud"}, {"structure": structure_a.pk}):
        response = client.post(NOUVELLE, donnees(**champs))
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "Une parole anonyme ne nomme ni personne ni structure : videz ces champs, "
            "ou décochez « anonyme »."
        ]
    response = client.post(NOUVELLE, donnees(anonyme=""))
    assert "Une parole signée nomme une personne ou une structure" in response.text
    assert not Parole.objects.exists()
    assert not EntreeJournal.objects.filter(operation__startswith="parole.").exists()


def test_une_parole_anonyme_saisie_ailleurs_ne_s_affiche_pas_signee(structure_a, membre_a):
    """Même écrite sans passer par le service (administration), une parole anonyme ne montre
    ni la personne ni la structure."""
    Parole.objects.create(
        texte="Merci au réfectoire.", anonyme=True, auteur="Jeanne Secret", structure=structure_a,
        annee=2015,
    )  # fmt: skip
    texte = client_as(membre_a).get(LISTE).text
    assert "Merci au réfectoire." in texte
    assert "Jeanne Secret" not in texte and "Halage" not in texte


def test_une_parole_signee_et_sa_modification(gestion, structure_a, membre_a):
    client = client_as(gestion)
    client.post(NOUVELLE, donnees(anonyme="", auteur="Maud", structure=structure_a.pk))
    parole = Parole.objects.get()
    assert "Maud, <cite>Halage</cite>, 2015" in client_as(membre_a).get(LISTE).text

    response = client.post(
        f"/paroles/{parole.pk}/modifier/",
        donnees(anonyme="", auteur="Maud", structure=structure_a.pk, rang="3"),
    )
    assert response.status_code == 302
    parole.refresh_from_db()
    assert parole.rang == 3
    assert EntreeJournal.objects.get(operation="parole.modifier").changements == {
        "ordre": ["1", "3"]
    }


def test_retirer_une_parole_demande_confirmation(gestion):
    client = client_as(gestion)
    client.post(NOUVELLE, donnees())
    parole = Parole.objects.get()

    assert "Ne rien faire et revenir" in client.get(f"/paroles/{parole.pk}/supprimer/").text
    assert Parole.objects.exists()
    assert client.post(f"/paroles/{parole.pk}/supprimer/").status_code == 302
    assert not Parole.objects.exists()
    assert EntreeJournal.objects.filter(operation="parole.supprimer").exists()


@pytest.mark.parametrize("persona", ["comptable", "referent_a", "membre_a", "cogerant"])
def test_seule_la_gestion_ecrit(request, persona):
    client = client_as(request.getfixturevalue(persona))
    assert client.post(NOUVELLE, donnees()).status_code == 403
    assert client.get(LISTE).status_code == 200
    assert "Ajouter une parole" not in client.get(LISTE).text
    assert not Parole.objects.exists()


def test_filtrer_par_annee_et_par_axe(membre_a, axes):
    Parole.objects.create(texte="Deux mille quinze", annee=2015, axe=axes[0])
    Parole.objects.create(texte="Deux mille seize", annee=2016, axe=axes[1])
    client = client_as(membre_a)

    texte = client.get(f"{LISTE}?annee=2015").text
    assert "Deux mille quinze" in texte and "Deux mille seize" not in texte
    texte = client.get(f"{LISTE}?axe={axes[1].pk}").text
    assert "Deux mille seize" in texte and "Deux mille quinze" not in texte
    assert client.get(f"{LISTE}?annee=abc&axe=999999").status_code == 200


def test_les_paroles_du_rapport_par_axe_puis_dans_l_ordre(axes):
    sans_axe = Parole.objects.create(texte="Sans axe", annee=2015, rang=0)
    deux = Parole.objects.create(texte="Axe 2", annee=2015, axe=axes[1], rang=0)
    un_b = Parole.objects.create(texte="Axe 1, seconde", annee=2015, axe=axes[0], rang=2)
    un_a = Parole.objects.create(texte="Axe 1, première", annee=2015, axe=axes[0], rang=1)
    Parole.objects.create(texte="Hors rapport", annee=2015, axe=axes[0], dans_le_rapport=False)
    Parole.objects.create(texte="Autre année", annee=2016, axe=axes[0])

    assert list(selectors.paroles_de_l_annee(2015)) == [un_a, un_b, deux, sans_axe]


@pytest.mark.parametrize(
    "champs",
    [
        {"annee": "99999"},
        {"annee": "-1"},
        {"rang": str(2**63)},
        {"axe": str(2**63)},
        {"structure": "abc", "anonyme": ""},
        {"texte": "Nul\x00octet"},
        {"texte": "x" * 1_000_000},
        {"auteur": "y" * 500, "anonyme": ""},
    ],
    ids=["annee", "annee-negative", "rang", "axe", "structure", "nul", "mega", "auteur-long"],
)
def test_des_dechets_donnent_un_message_et_rien_d_ecrit(gestion, champs):
    response = client_as(gestion).post(NOUVELLE, donnees(**champs))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Parole.objects.exists()
