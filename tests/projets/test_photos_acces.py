"""Qui voit quelle photo : une photo publique (d'un projet public) s'ouvre sans compte ; une
autre n'existe pas pour qui n'est pas connecté (404) ; les fichiers ne sortent que par la vue
des photos, jamais par la route des médias."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from habitants.projets.models import Photo
from habitants.projets.services import photos as services
from phares.lib.acteur import Acteur
from tests.conftest import client_as
from tests.projets.photos_outils import fichier, image, projet


def ajouter(projet_, *, publique, legende="Plantation"):
    return services.ajouter_photo(
        photo=Photo(
            legende=legende,
            texte_alternatif=legende,
            date=datetime.date(2015, 5, 1),
            projet=projet_,
            publique=publique,
        ),
        fichier=fichier(image("PNG", (80, 60))),
        par=Acteur.systeme("test"),
    )


@pytest.fixture
def jardin(structure_a):
    return projet(structure_a)


@pytest.fixture
def publique(jardin):
    return ajouter(jardin, publique=True)


@pytest.fixture
def privee(jardin):
    return ajouter(jardin, publique=False, legende="Réunion")


def test_une_photo_publique_s_ouvre_sans_compte(client, publique):
    for taille in ("impression", "web", "vignette"):
        response = client.get(f"/photos/{publique.cle}/{taille}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "public, max-age=3600"
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_une_photo_privee_n_existe_pas_sans_compte(client, privee, membre_a):
    for taille in ("impression", "web", "vignette"):
        assert client.get(f"/photos/{privee.cle}/{taille}/").status_code == 404
    # Same answer as a key that does not exist: nothing tells the photo is there.
    assert client.get(f"/photos/{Photo().cle}/web/").status_code == 404

    response = client_as(membre_a).get(f"/photos/{privee.cle}/web/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_une_photo_publique_d_un_projet_prive_reste_privee(client, structure_b, membre_a):
    photo = ajouter(projet(structure_b, slug="atelier", public=False), publique=True)
    assert client.get(f"/photos/{photo.cle}/web/").status_code == 404
    assert client_as(membre_a).get(f"/photos/{photo.cle}/web/").status_code == 200


def test_la_fiche_d_une_photo_demande_une_connexion(client, publique, privee, habitant_b):
    for photo in (publique, privee):
        response = client.get(f"/photos/{photo.cle}/")
        assert response.status_code == 302 and response.url.startswith("/comptes/login/")
        assert client_as(habitant_b).get(f"/photos/{photo.cle}/").status_code == 200


@pytest.mark.parametrize(
    "suffixe",
    [
        "../",
        "..%2F..%2Fsettings.py/",
        "%2e%2e/",
        "web.jpg/",
        "web/../impression/",
        "WEB/",
        "originale/",
        "impression%00/",
        "cle/",
        "legende/",
    ],
)
def test_la_taille_ne_sert_que_les_trois_tailles(client, membre_a, publique, suffixe):
    for c in (client, client_as(membre_a)):
        assert c.get(f"/photos/{publique.cle}/{suffixe}").status_code == 404


def test_la_route_des_medias_ne_sert_pas_les_photos(client, gestion, publique, privee):
    """En développement, /media/ sert MEDIA_ROOT ; jamais les photos, ni par un détour."""
    default_storage.save("logos/halage.png", ContentFile(image("PNG", (10, 10))))
    assert client.get("/media/logos/halage.png").status_code == 200  # the route does work

    for photo in (publique, privee):
        nom = photo.web.name
        assert nom.startswith("projets/photos/")
        for chemin in (
            nom,
            nom.replace("projets/photos/", "projets//photos/"),
            nom.replace("projets/photos/", "projets/./photos/"),
            nom.replace("projets/photos/", "logos/../projets/photos/"),
            f"projets/photos/{photo.cle}/",
            "projets/photos/",
        ):
            for c in (client, client_as(gestion)):
                assert c.get(f"/media/{chemin}").status_code == 404, chemin
