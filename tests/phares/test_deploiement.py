"""Réglages d'un déploiement à plusieurs instances : cache partagé par défaut en production,
fichiers envoyés sur disque ou dans un seau S3 (django-storages)."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile, FileField

from phares.lib import fichiers
from tests.phares.test_settings import manage, production_env

LIRE = (
    "import json; from django.conf import settings; from django.core.files.storage import "
    "storages; s = storages['default']; print(json.dumps({'cache': "
    "settings.CACHES['default']['BACKEND'], 'stockage': type(s).__module__ + '.' + "
    "type(s).__name__, 'csp': "
    "settings.CONTENT_SECURITY_POLICY, 'url': s.url('logos/halage.png')}))"
)


def lire(tmp_path, **env) -> dict:
    result = manage(tmp_path, "shell", "-c", LIRE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_en_production_le_cache_est_partage_par_defaut(tmp_path):
    reglages = lire(tmp_path, **production_env())
    assert reglages["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert reglages["stockage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert reglages["url"] == "/media/logos/halage.png"


def test_developpement_reste_en_memoire(tmp_path):
    assert lire(tmp_path)["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_fichiers_dans_un_seau_s3_compatible(tmp_path):
    reglages = lire(
        tmp_path,
        **production_env(
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME="phares-media",
            AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
            AWS_S3_REGION_NAME="fr-par",
            AWS_ACCESS_KEY_ID="cle",
            AWS_SECRET_ACCESS_KEY="secret",
        ),
    )
    assert reglages["stockage"] == "storages.backends.s3.S3Storage"
    # A private bucket: a signed URL that expires, under the "media/" prefix, path style.
    url = reglages["url"]
    assert url.startswith("https://s3.fr-par.scw.cloud/phares-media/media/logos/halage.png?")
    assert "X-Amz-Signature=" in url or "Signature=" in url
    # The pages may show those images: the CSP lets the endpoint through, nothing more.
    assert "img-src 'self' data: https://s3.fr-par.scw.cloud;" in reglages["csp"]


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        pytest.param({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME", id="s3-sans-seau"),
        pytest.param({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE", id="stockage-inconnu"),
        pytest.param({"LOG_FORMAT": "xml"}, "LOG_FORMAT", id="format-inconnu"),
    ],
)
def test_mauvais_reglage_refuse_de_demarrer(tmp_path, env, mentions):
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert mentions in result.stderr.strip().splitlines()[-1]


class Seau(Storage):
    """Comme un seau S3 : des objets par nom, aucun chemin sur le disque (Storage.path lève
    NotImplementedError)."""

    def __init__(self):
        self.objets = {}

    def _save(self, name, content):
        self.objets[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.objets[name], name=name)

    def exists(self, name):
        return name in self.objets

    def delete(self, name):
        self.objets.pop(name, None)

    def size(self, name):
        return len(self.objets[name])


def champ(storage, nom) -> FieldFile:
    return FieldFile(instance=None, field=FileField(storage=storage), name=nom)


def test_chemin_local_d_un_fichier_hors_disque(tmp_path, monkeypatch):
    """WeasyPrint lit des chemins : un fichier d'un seau est copié une fois, entier."""
    monkeypatch.setattr(fichiers, "COPIES", tmp_path / "copies")
    stockage = Seau()
    nom = stockage.save("projets/photos/ab/impression.jpg", ContentFile(b"\xff\xd8jpeg"))

    chemin = fichiers.chemin_local(champ(stockage, nom))
    assert chemin.endswith(".jpg")
    assert Path(chemin).read_bytes() == b"\xff\xd8jpeg"
    assert fichiers.chemin_local(champ(stockage, nom)) == chemin
    assert fichiers.chemin_local(champ(stockage, "")) == ""


def test_deux_copies_du_meme_fichier_en_meme_temps(tmp_path, monkeypatch):
    """Deux processus copient le même objet au même moment : chacun écrit son propre
    fichier provisoire, aucun ne renomme la copie à moitié écrite de l'autre."""
    monkeypatch.setattr(fichiers, "COPIES", tmp_path / "copies")
    stockage = Seau()
    nom = stockage.save("logos/halage.png", ContentFile(b"png" * 1000))
    ouvrir = stockage.open
    chemins = []

    class Source(io.BytesIO):
        def read(self, *args):
            if not chemins:  # the first copy is being written when a second one runs
                chemins.append(None)
                chemins[0] = fichiers.chemin_local(champ(stockage, nom))
            return super().read(*args)

    def ouvrir_puis_une_autre_copie(nom, mode="rb"):
        return Source(ouvrir(nom, mode).read())

    monkeypatch.setattr(stockage, "open", ouvrir_puis_une_autre_copie)
    chemin = fichiers.chemin_local(champ(stockage, nom))

    assert chemins == [chemin]
    assert Path(chemin).read_bytes() == b"png" * 1000
    assert [p.name for p in (tmp_path / "copies").iterdir()] == [Path(chemin).name]


def test_chemin_local_sur_disque_est_le_fichier_lui_meme(tmp_path, settings):
    stockage = FileSystemStorage(location=tmp_path)
    nom = stockage.save("logos/halage.png", ContentFile(b"png"))
    assert fichiers.chemin_local(champ(stockage, nom)) == str(tmp_path / nom)


@pytest.mark.django_db
def test_les_photos_privees_sortent_par_l_application_depuis_un_seau(
    settings, client, structure_a, membre_a, tmp_path, monkeypatch
):
    """MEDIA_STORAGE=s3 : la vue des photos lit l'objet par le stockage et vérifie toujours
    qui demande ; retirer une photo efface ses objets sans chercher de dossier sur disque."""
    import datetime

    from habitants.projets.models import Photo
    from habitants.projets.services import photos as services
    from phares.lib.acteur import Acteur
    from tests.conftest import client_as
    from tests.projets.photos_outils import fichier, image, projet

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.Seau"}}
    monkeypatch.setattr(fichiers, "COPIES", tmp_path / "copies")
    photo = services.ajouter_photo(
        photo=Photo(
            legende="Réunion",
            texte_alternatif="Réunion",
            date=datetime.date(2015, 5, 1),
            projet=projet(structure_a),
            publique=False,
        ),
        fichier=fichier(image("PNG", (80, 60))),
        par=Acteur.systeme("test"),
    )
    seau = photo.web.storage
    assert isinstance(seau, Seau) and len(seau.objets) == 3

    assert client.get(f"/photos/{photo.cle}/web/").status_code == 404
    response = client_as(membre_a).get(f"/photos/{photo.cle}/web/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    # What the annual report gives WeasyPrint: a local copy of the print size.
    assert Path(fichiers.chemin_local(photo.impression)).read_bytes()[:3] == b"\xff\xd8\xff"

    services.supprimer_photo(photo=photo, par=Acteur.systeme("test"))
    assert seau.objets == {}
