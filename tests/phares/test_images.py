"""Images téléversées (logos, photos) : PNG, JPEG ou WebP seulement, ré-encodées avant
d'être gardées — un fichier PostScript ne sera jamais servi comme logo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habitants.models import Structure
from tests.conftest import client_as

PROFIL = "/mon-espace/halage/profil/"
DONNEES = {"description": "Solidarité.", "site_web": "", "email_contact": "", "telephone": ""}


def image(format_, *, mode="RGB", taille=(40, 30), **save):
    buffer = io.BytesIO()
    Image.new(mode, taille, "teal").save(buffer, format=format_, **save)
    return buffer.getvalue()


def eps():
    """Un vrai fichier PostScript encapsulé que Pillow sait ouvrir (en-tête seulement)."""
    return (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 40 30\n%%EndComments\n"
        b"newpath 0 0 moveto 40 30 lineto stroke showpage\n%%EOF\n"
    )


def envoyer(client, nom, contenu, content_type="image/png"):
    return client.post(PROFIL, {**DONNEES, "logo": SimpleUploadedFile(nom, contenu, content_type)})


@pytest.mark.parametrize(
    ("nom", "contenu", "format_"),
    [
        ("logo.eps", eps(), "EPS"),
        ("logo.png", eps(), "EPS"),  # PostScript under an image name
        ("logo.tiff", image("TIFF"), "TIFF"),
        ("logo.bmp", image("BMP"), "BMP"),
        ("logo.gif", image("GIF"), "GIF"),
    ],
    ids=["eps", "eps-nomme-png", "tiff", "bmp", "gif"],
)
def test_un_format_que_la_page_ne_montre_pas_est_refuse(referent_a, nom, contenu, format_):
    response = envoyer(client_as(referent_a), nom, contenu)

    assert response.status_code == 200
    erreur = response.context["form"].errors["logo"][0]
    assert "Format non accepté : envoyez une image PNG, JPEG ou WebP" in erreur
    assert f"format {format_}" in erreur
    assert not Structure.objects.get(slug="halage").logo


@pytest.mark.parametrize(
    ("nom", "contenu", "extension", "format_"),
    [
        ("logo.png", image("PNG"), "png", "PNG"),
        ("photo.jpeg", image("JPEG"), "jpg", "JPEG"),
        ("logo.webp", image("WEBP"), "webp", "WEBP"),
        ("logo.png", image("JPEG"), "jpg", "JPEG"),  # named after what it is
        ("logo.jpg", image("PNG", mode="RGBA"), "png", "PNG"),
    ],
)
def test_une_image_acceptee_est_reencodee(referent_a, settings, nom, contenu, extension, format_):
    response = envoyer(client_as(referent_a), nom, contenu)

    assert response.status_code == 302
    logo = Structure.objects.get(slug="halage").logo
    assert logo.name.startswith("logos/") and logo.name.endswith(f".{extension}")
    with Image.open(settings.MEDIA_ROOT / logo.name) as gardee:
        assert gardee.format == format_ and gardee.size == (40, 30)


def test_les_metadonnees_ne_sont_pas_gardees(referent_a, settings):
    exif = Image.Exif()
    exif[0x010E] = "Appareil de Maud, GPS 48.93 N 2.34 E"  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotated 90° → applied, then dropped
    contenu = image("JPEG", exif=exif.tobytes())

    assert envoyer(client_as(referent_a), "photo.jpg", contenu).status_code == 302

    logo = Structure.objects.get(slug="halage").logo
    octets = (settings.MEDIA_ROOT / logo.name).read_bytes()
    assert b"Appareil de Maud" not in octets
    with Image.open(io.BytesIO(octets)) as gardee:
        assert not gardee.getexif() and gardee.size == (30, 40)  # upright
