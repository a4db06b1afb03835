"""Matrice des permissions de la vie du pôle : photos, paroles d'habitants, page publique
(lignes et morceau de `world`). Les événements ont leur propre fichier."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habitants.projets.models import Parole, Participation, Photo, Projet
from habitants.projets.services import photos as services_photos
from phares.lib.acteur import Acteur
from tests.conftest import axe
from tests.matrice import ANON, Row, everyone, gestion_only, signed_in, staff_read  # noqa: F401

# Who may add or edit a photo of the project Halage takes part in: gestion and Halage's
# référent; any other signed-in person reads, and is refused (403) the rest.
ILLUSTRATEURS = signed_in(403, gestion=200, referent_a=200)

ROWS: list[Row] = [
    Row("projets:vie-publique", expected=everyone(200)),
    Row("projets:photo-liste", expected=signed_in(200)),
    Row("projets:photo-nouvelle", expected=ILLUSTRATEURS),
    Row(
        "projets:photo-nouvelle", method="post", expected=ILLUSTRATEURS, label="photo-nouvelle-post"
    ),
    Row("projets:photo-detail", ("$vie_photo_publique",), expected=signed_in(200)),
    Row(
        "projets:photo-detail",
        ("$vie_photo_privee",),
        expected=signed_in(200),
        label="photo-detail-privee",
    ),
    # The file itself: a public photo for anyone; a private one is a 404 without an account
    # (neither a login page nor a 403: its existence is not revealed).
    Row("projets:photo-fichier", ("$vie_photo_publique", "web"), expected=everyone(200)),
    Row(
        "projets:photo-fichier",
        ("$vie_photo_privee", "vignette"),
        expected={**signed_in(200), ANON: 404},
        label="photo-fichier-privee",
    ),
    Row(
        "projets:photo-fichier",
        ("$vie_photo_publique", "originale"),
        expected=everyone(404),
        label="photo-fichier-taille-inconnue",
    ),
    Row("projets:photo-modifier", ("$vie_photo_privee",), expected=ILLUSTRATEURS),
    Row(
        "projets:photo-modifier",
        ("$vie_photo_privee",),
        method="post",
        expected=ILLUSTRATEURS,
        label="photo-modifier-post",
    ),
    Row(
        "projets:photo-supprimer",
        ("$vie_photo_privee",),
        expected=ILLUSTRATEURS,
        label="photo-supprimer-confirmation",
    ),
    Row(
        "projets:photo-supprimer",
        ("$vie_photo_privee",),
        method="post",
        expected=signed_in(403, gestion=302, referent_a=302),
    ),
    Row("projets:parole-liste", expected=signed_in(200)),
    Row("projets:parole-nouvelle", expected=gestion_only(200)),
    Row(
        "projets:parole-nouvelle",
        method="post",
        expected=gestion_only(200),
        label="parole-nouvelle-post",
    ),
    Row("projets:parole-modifier", ("$vie_parole_pk",), expected=gestion_only(200)),
    Row(
        "projets:parole-modifier",
        ("$vie_parole_pk",),
        method="post",
        expected=gestion_only(200),
        label="parole-modifier-post",
    ),
    Row(
        "projets:parole-supprimer",
        ("$vie_parole_pk",),
        expected=gestion_only(200),
        label="parole-supprimer-confirmation",
    ),
    Row(
        "projets:parole-supprimer",
        ("$vie_parole_pk",),
        method="post",
        expected=gestion_only(302),
    ),
]


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


def monde(personas, structure_a, structure_b) -> dict:
    """Un projet public où Halage participe, avec une photo publique et une photo privée
    (de vrais fichiers) ; une parole d'habitant."""
    systeme = Acteur.systeme("test")
    projet = Projet.objects.create(
        nom="Jardin partagé",
        slug="vie-jardin-partage",
        axe=axe(2),
        debut=datetime.date(2015, 3, 1),
        public=True,
    )
    Participation.objects.create(projet=projet, structure=structure_a, role="porteur")

    def photo(legende, publique):
        return services_photos.ajouter_photo(
            photo=Photo(
                legende=legende,
                texte_alternatif=legende,
                date=datetime.date(2015, 5, 1),
                projet=projet,
                publique=publique,
            ),
            fichier=_png(),
            par=systeme,
        )

    parole = Parole.objects.create(
        texte="Ici, on se croise et on s'entraide.", anonyme=True, annee=2015
    )
    return {
        "vie_photo_publique": photo("Plantation", True).cle,
        "vie_photo_privee": photo("Réunion de chantier", False).cle,
        "vie_parole_pk": parole.pk,
    }
