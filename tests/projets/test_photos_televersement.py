"""Téléverser une photo : elle est reconnue à son contenu, bornée, redressée, débarrassée de
ses métadonnées et gardée en trois JPEG ; tout le reste reçoit un message en français, et rien
n'est écrit, ni en base ni sur le disque."""

import html
import io

import pytest
from django.urls import reverse
from PIL import Image

from habitants.projets.models import Photo
from habitants.projets.services import ProjetsError
from habitants.projets.services import photos as services
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.projets.photos_outils import (
    GPS,
    SVG,
    bombe_png,
    exif_avec_gps,
    fichier,
    fichiers_photos,
    image,
    projet,
)

NOUVELLE = "/photos/nouvelle/"


def donnees(projet_, contenu, nom="photo.png", content_type="image/png", **extra):
    return {
        "fichier": fichier(contenu, nom, content_type),
        "legende": "Déjeuner au réfectoire",
        "texte_alternatif": "Une vingtaine d'habitants attablés",
        "date": "2015-06-12",
        "credit": "Photo : Halage",
        "projet": projet_.pk,
        **extra,
    }


@pytest.fixture
def jardin(structure_a):
    return projet(structure_a)


def test_un_png_devient_trois_jpeg_sans_gps(gestion, jardin, settings):
    contenu = image("PNG", (2600, 1300), exif=exif_avec_gps().tobytes())
    with Image.open(io.BytesIO(contenu)) as source:
        assert source.getexif().get_ifd(GPS)  # the upload does carry a position

    response = client_as(gestion).post(NOUVELLE, donnees(jardin, contenu))

    photo = Photo.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projets:photo-detail", args=[photo.cle])
    attendues = {"impression": (2480, 1240), "web": (1200, 600), "vignette": (400, 200)}
    for taille, dimensions in attendues.items():
        nom = getattr(photo, taille).name
        assert nom == f"projets/photos/{photo.cle}/{taille}.jpg"
        octets = (settings.MEDIA_ROOT / nom).read_bytes()
        assert b"Appareil de Maud" not in octets
        with Image.open(io.BytesIO(octets)) as gardee:
            assert gardee.format == "JPEG" and gardee.mode == "RGB"
            assert gardee.size == dimensions
            assert not gardee.getexif() and not gardee.getexif().get_ifd(GPS)
            assert "icc_profile" not in gardee.info
    assert (photo.largeur, photo.hauteur) == (2480, 1240)
    assert photo.cree_par == gestion and photo.projet == jardin and not photo.publique
    entree = EntreeJournal.objects.get(operation="photo.ajouter")
    assert entree.par == gestion and "Déjeuner au réfectoire" in entree.libelle


def test_l_orientation_est_appliquee_puis_oubliee(gestion, jardin, settings):
    contenu = image("JPEG", (300, 200), exif=exif_avec_gps(orientation=6).tobytes())

    client_as(gestion).post(NOUVELLE, donnees(jardin, contenu, "IMG_0001.JPG", "image/jpeg"))

    photo = Photo.objects.get()
    with Image.open(settings.MEDIA_ROOT / photo.web.name) as gardee:
        assert gardee.size == (200, 300)  # upright, not enlarged
        assert not gardee.getexif()


def test_une_petite_image_n_est_pas_agrandie_et_la_transparence_devient_blanche(
    gestion, jardin, settings
):
    contenu = image("PNG", (100, 50), mode="RGBA")  # "teal" with full alpha
    transparente = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(transparente, format="PNG")

    client_as(gestion).post(NOUVELLE, donnees(jardin, transparente.getvalue()))
    client_as(gestion).post(NOUVELLE, donnees(jardin, contenu))

    transparente_gardee, opaque = Photo.objects.order_by("pk")
    with Image.open(settings.MEDIA_ROOT / transparente_gardee.impression.name) as gardee:
        assert gardee.size == (100, 50)
        assert gardee.getpixel((50, 25)) == pytest.approx((255, 255, 255), abs=2)
    with Image.open(settings.MEDIA_ROOT / opaque.vignette.name) as gardee:
        assert gardee.size == (100, 50)


@pytest.mark.parametrize(
    ("nom", "contenu", "content_type", "message"),
    [
        (
            "photo.jpg",
            b"Ceci n'est pas une photo.\n",
            "image/jpeg",
            "Ce fichier n'est pas une photo lisible : envoyez une image JPEG, PNG ou WebP.",
        ),
        (
            "dessin.svg",
            SVG,
            "image/svg+xml",
            "Les images SVG ne sont pas acceptées",
        ),
        ("dessin.png", SVG, "image/png", "Les images SVG ne sont pas acceptées"),
        (
            "scan.tiff",
            image("TIFF", (40, 30)),
            "image/tiff",
            "Ce fichier n'est pas une photo lisible",
        ),
        (
            # Announces 20 000 × 20 000 pixels in a few hundred bytes: refused on its header.
            "bombe.png",
            bombe_png(20_000, 20_000),
            "image/png",
            "Cette image compte trop de pixels : 50 millions de pixels au plus.",
        ),
        (
            "bombe.png",
            bombe_png(10_000, 9_000),  # Pillow only warns at this size
            "image/png",
            "Cette image compte trop de pixels",
        ),
        (
            "grande.png",
            bombe_png(8_000, 7_000),  # below Pillow's limit, above ours
            "image/png",
            "Cette image mesure 8000 × 7000 pixels : 50 millions de pixels au plus.",
        ),
        (
            "tronquee.jpg",
            image("JPEG", (400, 300))[:300],
            "image/jpeg",
            "Cette image est illisible ou abîmée",
        ),
        ("vide.jpg", b"", "image/jpeg", "Le fichier soumis est vide."),
    ],
    ids=[
        "texte",
        "svg",
        "svg-nomme-png",
        "tiff",
        "bombe",
        "bombe-avertie",
        "trop-grande",
        "tronquee",
        "vide",
    ],
)
def test_un_fichier_refuse_ne_laisse_rien(
    gestion, jardin, settings, nom, contenu, content_type, message
):
    response = client_as(gestion).post(NOUVELLE, donnees(jardin, contenu, nom, content_type))

    assert response.status_code == 200
    erreurs = response.context["form"].errors["fichier"]
    assert any(message in e for e in erreurs), erreurs
    assert message in html.unescape(response.text)  # shown on the page, under the field
    assert not Photo.objects.exists()
    assert fichiers_photos(settings.MEDIA_ROOT) == []
    assert not EntreeJournal.objects.filter(operation__startswith="photo.").exists()


def test_un_fichier_trop_lourd_est_refuse(gestion, jardin, settings):
    settings.PROJETS_PHOTO_MAX_OCTETS = 2 * 1024 * 1024
    contenu = image("BMP", (1000, 1000))  # ~3 MB, a BMP would be refused anyway: size first
    response = client_as(gestion).post(NOUVELLE, donnees(jardin, contenu, "lourde.png"))

    assert response.context["form"].errors["fichier"] == [
        "La photo pèse 2,9 Mo : 2 Mo au plus. Réduisez-la avant de l'envoyer."
    ]
    assert not Photo.objects.exists() and fichiers_photos(settings.MEDIA_ROOT) == []


def test_un_echec_apres_l_ecriture_efface_les_fichiers(gestion, jardin, settings, monkeypatch):
    """Les fichiers s'écrivent dans la transaction de la ligne : si elle échoue (ici le
    journal), ils sont effacés avec elle."""

    def panne(**kwargs):
        raise RuntimeError("panne du journal")

    monkeypatch.setattr(services.journal, "journaliser", panne)
    photo = Photo(legende="Panne", texte_alternatif="", date="2015-06-12", projet=jardin)

    with pytest.raises(RuntimeError):
        services.ajouter_photo(
            photo=photo, fichier=fichier(image("PNG", (50, 40))), par=Acteur.systeme("test")
        )

    assert not Photo.objects.exists()
    assert fichiers_photos(settings.MEDIA_ROOT) == []
    assert list((settings.MEDIA_ROOT / "projets" / "photos").iterdir()) == []


def test_retirer_une_photo_efface_ses_fichiers(gestion, jardin, settings):
    client = client_as(gestion)
    client.post(NOUVELLE, donnees(jardin, image("PNG", (50, 40))))
    photo = Photo.objects.get()
    assert len(fichiers_photos(settings.MEDIA_ROOT)) == 3

    confirmation = client.get(f"/photos/{photo.cle}/supprimer/")
    assert "Ne rien faire et revenir" in confirmation.text
    assert len(fichiers_photos(settings.MEDIA_ROOT)) == 3  # GET only asks
    response = client.post(f"/photos/{photo.cle}/supprimer/")

    assert response.status_code == 302 and response.url == "/photos/"
    assert not Photo.objects.exists()
    assert fichiers_photos(settings.MEDIA_ROOT) == []
    assert not (settings.MEDIA_ROOT / "projets" / "photos" / str(photo.cle)).exists()
    assert EntreeJournal.objects.filter(operation="photo.supprimer").exists()


def test_un_referent_illustre_les_projets_de_sa_structure_sans_publier(
    referent_a, jardin, structure_b
):
    ailleurs = projet(structure_b, slug="atelier-couture")
    client = client_as(referent_a)

    formulaire = client.get(f"{NOUVELLE}?projet={jardin.slug}")
    assert formulaire.status_code == 200
    assert list(formulaire.context["form"].fields["projet"].queryset) == [jardin]
    assert "publique" not in formulaire.context["form"].fields
    assert client.get(f"{NOUVELLE}?projet={ailleurs.slug}").status_code == 403

    refusee = client.post(NOUVELLE, donnees(ailleurs, image("PNG", (50, 40))))
    assert refusee.status_code == 200 and "projet" in refusee.context["form"].errors
    assert not Photo.objects.exists()

    client.post(NOUVELLE, donnees(jardin, image("PNG", (50, 40)), publique="on"))
    photo = Photo.objects.get()
    assert photo.projet == jardin and not photo.publique


def test_le_service_refuse_une_publication_par_un_referent(referent_a, jardin):
    photo = Photo(
        legende="Chantier", date="2015-06-12", projet=jardin, publique=True, texte_alternatif=""
    )
    with pytest.raises(ProjetsError, match="Seule la gestion publie"):
        services.ajouter_photo(
            photo=photo, fichier=fichier(image("PNG", (50, 40))), par=Acteur.personne(referent_a)
        )
    assert not Photo.objects.exists()


def test_la_gestion_dit_ce_que_la_photo_illustre(gestion, jardin, settings):
    reponse = client_as(gestion).post(
        NOUVELLE, {**donnees(jardin, image("PNG", (50, 40))), "projet": ""}
    )
    assert "Dites ce que la photo illustre : un projet, un événement ou un axe." in (
        reponse.context["form"].non_field_errors()
    )
    assert not Photo.objects.exists() and fichiers_photos(settings.MEDIA_ROOT) == []


def test_modifier_la_description_est_journalise(gestion, jardin):
    client = client_as(gestion)
    client.post(NOUVELLE, donnees(jardin, image("PNG", (50, 40))))
    photo = Photo.objects.get()

    response = client.post(
        f"/photos/{photo.cle}/modifier/",
        {
            "legende": "Repas des habitants",
            "texte_alternatif": "Des habitants à table",
            "date": "2015-06-12",
            "credit": "",
            "projet": jardin.pk,
            "publique": "on",
        },
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.legende == "Repas des habitants" and photo.publique
    entree = EntreeJournal.objects.get(operation="photo.modifier")
    assert entree.changements["légende"] == ["Déjeuner au réfectoire", "Repas des habitants"]


@pytest.mark.parametrize(
    "champs",
    [
        {"date": "0001-01-01"},
        {"date": "2015-02-30"},
        {"projet": str(2**63)},
        {"legende": "Nul\x00octet"},
        {"legende": "x" * 1_000_000},
        {"texte_alternatif": ""},
        {"evenement": "abc"},
    ],
    ids=["date-ancienne", "date-impossible", "projet", "nul", "mega", "sans-alt", "evenement"],
)
def test_des_champs_absurdes_donnent_un_message_et_rien_d_ecrit(gestion, jardin, settings, champs):
    response = client_as(gestion).post(
        NOUVELLE, {**donnees(jardin, image("PNG", (50, 40))), **champs}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Photo.objects.exists() and fichiers_photos(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize("requete", ["?projet=inconnu", "?evenement=abc", f"?evenement={2**63}"])
def test_un_rattachement_inconnu_est_un_404(gestion, requete):
    assert client_as(gestion).get(f"{NOUVELLE}{requete}").status_code == 404
