"""La page publique de la vie du pôle : sans compte, seulement ce que la gestion a rendu public,
par axe ; les photos qu'on y voit sont celles que tout le monde peut ouvrir."""

import datetime

import pytest

from habitants.projets import selectors
from habitants.projets.models import Evenement, Jalon, Photo
from habitants.projets.services import photos as services
from phares.lib.acteur import Acteur
from tests.conftest import axe, client_as
from tests.projets.photos_outils import fichier, image, projet

PAGE = "/vie-du-pole/"


def ajouter(legende, *, publique, date=datetime.date(2015, 5, 1), **liens):
    return services.ajouter_photo(
        photo=Photo(
            legende=legende,
            texte_alternatif=f"Alt {legende}",
            date=date,
            publique=publique,
            **liens,
        ),
        fichier=fichier(image("PNG", (40, 30))),
        par=Acteur.systeme("test"),
    )


@pytest.fixture
def vie(structure_a, structure_b):
    jardin = projet(structure_a, slug="jardin-partage", public=True)
    Jalon.objects.create(projet=jardin, date=datetime.date(2015, 4, 2), titre="Premières semis")
    secret = projet(structure_b, slug="projet-confidentiel", public=False)
    repas = Evenement.objects.create(
        titre="Repas mensuel des habitants", type="repas", axe=axe(1),
        date=datetime.date(2015, 6, 12), public=True,
    )  # fmt: skip
    reunion = Evenement.objects.create(
        titre="Réunion interne", type="autre", axe=axe(1),
        date=datetime.date(2015, 6, 20), public=False,
    )  # fmt: skip
    return {
        "jardin": jardin,
        "secret": secret,
        "publique": ajouter("Plantation", publique=True, projet=jardin),
        "privee": ajouter("Réunion de chantier", publique=False, projet=jardin),
        "du_secret": ajouter("Coulisses", publique=True, projet=secret),
        "du_repas": ajouter("Au réfectoire", publique=True, evenement=repas),
        "de_la_reunion": ajouter("Tableau blanc", publique=True, evenement=reunion),
        "d_axe": ajouter("La cour", publique=True, axe=axe(3)),
    }


def test_sans_compte_seul_le_public_parait(client, vie):
    response = client.get(PAGE)

    assert response.status_code == 200
    texte = response.text
    assert "Jardin partage" in texte and "Premières semis" in texte
    assert "Repas mensuel des habitants" in texte
    for photo in ("publique", "du_repas", "d_axe"):
        assert f"/photos/{vie[photo].cle}/vignette/" in texte
        assert f'alt="Alt {vie[photo].legende}"' in texte
    # A private photo of a public project, anything of a private project or event: absent.
    for photo in ("privee", "du_secret", "de_la_reunion"):
        assert str(vie[photo].cle) not in texte
        assert vie[photo].legende not in texte
    assert "Projet confidentiel" not in texte and "Réunion interne" not in texte
    # Grouped by axis.
    assert texte.index("Axe 1 –") < texte.index("Repas mensuel") < texte.index("Axe 2 –")
    assert texte.index("Axe 2 –") < texte.index("Jardin partage") < texte.index("Axe 3 –")


def test_chaque_vignette_de_la_page_s_ouvre_sans_compte(client, vie):
    texte = client.get(PAGE).text
    for photo in ("publique", "du_repas", "d_axe"):
        assert client.get(f"/photos/{vie[photo].cle}/vignette/").status_code == 200
        assert f'href="/photos/{vie[photo].cle}/web/"' in texte  # not the signed-in page


def test_la_page_est_la_meme_une_fois_connecte(membre_a, vie):
    texte = client_as(membre_a).get(PAGE).text
    assert str(vie["privee"].cle) not in texte and "Projet confidentiel" not in texte
    assert 'href="/photos/"' in texte and 'href="/paroles/"' in texte


def test_les_annees_recentes_et_une_annee_choisie(client, vie, structure_a):
    ancien = projet(structure_a, slug="ancien-chantier", public=True)
    ancien.debut, ancien.fin = datetime.date(2009, 1, 1), datetime.date(2009, 12, 31)
    ancien.save()

    assert selectors.annees_publiques()[-1] == 2009
    texte = client.get(PAGE).text
    assert "Ancien chantier" not in texte  # not among the latest three years
    assert "Ancien chantier" in client.get(f"{PAGE}?annee=2009").text
    assert "Jardin partage" not in client.get(f"{PAGE}?annee=2009").text
    assert client.get(f"{PAGE}?annee=abc").status_code == 200


def test_une_page_vide_le_dit(client, db):
    assert "Rien n'est encore publié" in client.get(PAGE).text


def test_la_page_publique_des_habitants_et_la_navigation_y_menent(client, db):
    accueil = client.get("/").text
    assert accueil.count(f'href="{PAGE}"') >= 2  # the page itself and the public navigation


def test_les_photos_de_l_annee_pour_le_rapport(vie):
    axe2 = axe(2)
    autre_annee = ajouter(
        "Hiver", publique=True, projet=vie["jardin"], date=datetime.date(2016, 1, 5)
    )

    assert list(selectors.photos_de_l_annee(2015, axe2)) == [
        vie["publique"],
        vie["privee"],
        vie["du_secret"],
    ]
    assert list(selectors.photos_de_l_annee(2015, axe2, publiques_seulement=True)) == [
        vie["publique"]
    ]
    assert autre_annee not in selectors.photos_de_l_annee(2015)
    assert len(selectors.photos_de_l_annee(2015)) == 6
    axe1 = axe(1)
    assert set(selectors.photos_de_l_annee(2015, axe1)) == {vie["du_repas"], vie["de_la_reunion"]}
