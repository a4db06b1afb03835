"""Partenaires : la liste (filtres, logos, projets et habitants liés) pour toute personne
connectée ; création, modification, archivage par la gestion, au journal ; logo vérifié."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habitants.projets.models import Partenaire, Projet
from phares.models import EntreeJournal
from tests.conftest import client_as

LISTE = "/partenaires/"
NOUVEAU = "/partenaires/nouveau/"


def donnees(**extra):
    return {
        "nom": "Caisse des Dépôts",
        "sigle": "CDC",
        "categorie": "etat",
        "du_pole": "on",
        "site_web": "https://www.caissedesdepots.fr",
        "description": "Soutien au PTCE.",
        **extra,
    }


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")


@pytest.fixture
def partenaires(structure_a, axes):
    region = Partenaire.objects.create(nom="Région Île-de-France", categorie="region")
    region.structures.add(structure_a)
    halage_seul = Partenaire.objects.create(
        nom="Fondation Abbé Pierre", categorie="fondation", du_pole=False
    )
    commune = Partenaire.objects.create(nom="L'Île-Saint-Denis", categorie="commune")
    Partenaire.objects.create(nom="Ancien mécène", categorie="entreprise", archive=True)
    projet = Projet.objects.create(
        nom="Tour Alternatiba", slug="tour-alternatiba", axe=axes[1], debut="2015-06-01"
    )
    projet.partenaires.add(region)
    return {"region": region, "fondation": halage_seul, "commune": commune}


def noms(response):
    return [p.nom for p in response.context["page"]]


def test_toute_personne_connectee_lit_la_liste_avec_projets_et_habitants(partenaires, membre_a):
    response = client_as(membre_a).get(LISTE)

    assert response.status_code == 200
    assert noms(response) == ["Fondation Abbé Pierre", "L'Île-Saint-Denis", "Région Île-de-France"]
    texte = response.content.decode()
    assert "Tour Alternatiba" in texte and "Halage" in texte
    assert "Ajouter un partenaire" not in texte
    assert "Subventions" not in texte  # the grants are the staff's


def test_filtres_categorie_pouvoirs_publics_du_pole_et_recherche(partenaires, gestion):
    client = client_as(gestion)

    assert noms(client.get(LISTE, {"categorie": "pouvoirs_publics"})) == [
        "L'Île-Saint-Denis",
        "Région Île-de-France",
    ]
    assert noms(client.get(LISTE, {"categorie": "fondation"})) == ["Fondation Abbé Pierre"]
    assert noms(client.get(LISTE, {"partenaire_de": "habitants"})) == ["Fondation Abbé Pierre"]
    assert noms(client.get(LISTE, {"q": "Île"})) == ["L'Île-Saint-Denis", "Région Île-de-France"]
    assert noms(client.get(LISTE, {"archives": "true"})) == ["Ancien mécène"]


def test_la_gestion_cree_un_partenaire_avec_logo_et_habitants(gestion, structure_a):
    response = client_as(gestion).post(NOUVEAU, donnees(logo=png(), structures=[structure_a.pk]))

    partenaire = Partenaire.objects.get(nom="Caisse des Dépôts")
    assert response.status_code == 302
    assert response.url == f"/partenaires/{partenaire.pk}/"
    assert partenaire.logo.name.endswith(".png")
    assert list(partenaire.structures.all()) == [structure_a]
    entree = EntreeJournal.objects.get(operation="partenaire.creer")
    assert entree.par == gestion and entree.objet_id == str(partenaire.pk)
    assert entree.changements["habitants partenaires"] == ["—", "Halage"]

    page = client_as(gestion).get(f"/partenaires/{partenaire.pk}/").content.decode()
    assert partenaire.logo.url in page and "Halage" in page


@pytest.mark.parametrize(
    ("contenu", "nom", "type_", "message"),
    [
        (b"pas une image du tout", "logo.png", "image/png", "Téléversez une image valide"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "image/svg+xml",
            "Téléversez une image valide",
        ),
    ],
    ids=["pas-une-image", "svg"],
)
def test_un_logo_qui_n_est_pas_une_image_est_refuse_sans_rien_ecrire(
    gestion, contenu, nom, type_, message
):
    response = client_as(gestion).post(
        NOUVEAU, donnees(logo=SimpleUploadedFile(nom, contenu, type_))
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["logo"][0]
    assert not Partenaire.objects.exists()
    assert not EntreeJournal.objects.exists()


def test_un_logo_trop_lourd_est_refuse(gestion, settings, monkeypatch):
    monkeypatch.setattr("phares.forms.IMAGE_MAX_OCTETS", 10)

    response = client_as(gestion).post(NOUVEAU, donnees(logo=png()))

    assert response.status_code == 200
    assert "L'image dépasse 5 Mo" in response.context["form"].errors["logo"][0]
    assert not Partenaire.objects.exists()


def test_un_nom_deja_pris_est_refuse_quelle_que_soit_la_casse(partenaires, gestion):
    response = client_as(gestion).post(NOUVEAU, donnees(nom="région île-de-france"))

    assert response.status_code == 200
    assert "déjà" in str(response.context["form"].errors)
    assert Partenaire.objects.count() == 4


def test_la_gestion_modifie_et_le_journal_dit_avant_apres(partenaires, gestion, structure_b):
    region = partenaires["region"]
    url = f"/partenaires/{region.pk}/modifier/"
    assert client_as(gestion).get(url).context["form"].initial["structures"] == [
        s.pk for s in region.structures.all()
    ]

    response = client_as(gestion).post(
        url,
        donnees(
            nom="Région Île-de-France", sigle="", categorie="region", structures=[structure_b.pk]
        ),
    )

    assert response.status_code == 302
    region.refresh_from_db()
    assert region.site_web == "https://www.caissedesdepots.fr"
    assert [s.nom for s in region.structures.all()] == ["Mode Estime"]
    entree = EntreeJournal.objects.get(operation="partenaire.modifier")
    assert entree.changements["habitants partenaires"] == ["Halage", "Mode Estime"]


def test_archiver_puis_restaurer_en_post(partenaires, gestion):
    region = partenaires["region"]
    client = client_as(gestion)

    assert client.get(f"/partenaires/{region.pk}/archiver/").status_code == 405
    assert client.post(f"/partenaires/{region.pk}/archiver/").status_code == 302
    region.refresh_from_db()
    assert region.archive
    assert "Région Île-de-France" not in noms(client.get(LISTE))

    assert client.post(f"/partenaires/{region.pk}/restaurer/").status_code == 302
    region.refresh_from_db()
    assert not region.archive
    operations = EntreeJournal.objects.filter(operation__startswith="partenaire.")
    assert sorted(operations.values_list("operation", flat=True)) == [
        "partenaire.archiver",
        "partenaire.restaurer",
    ]


@pytest.mark.parametrize("persona", ["comptable", "referent_a", "cogerant"])
def test_hors_gestion_on_ne_modifie_ni_n_archive(partenaires, persona, request):
    user = request.getfixturevalue(persona)
    region = partenaires["region"]
    client = client_as(user)

    assert client.post(NOUVEAU, donnees()).status_code == 403
    assert client.post(f"/partenaires/{region.pk}/modifier/", donnees()).status_code == 403
    assert client.post(f"/partenaires/{region.pk}/archiver/").status_code == 403
    region.refresh_from_db()
    assert region.nom == "Région Île-de-France" and not region.archive
    assert not EntreeJournal.objects.exists()


def test_un_identifiant_hors_bornes_est_404(gestion):
    assert client_as(gestion).get(f"/partenaires/{2**70}/").status_code == 404
    assert client_as(gestion).post(f"/partenaires/{2**70}/archiver/").status_code == 404
