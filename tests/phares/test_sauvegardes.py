"""Sauvegardes qui se restaurent : `manage.py sauvegarder` écrit une archive (base, médias,
manifeste), `manage.py restaurer` la remet dans une base neuve — un fichier SQLite neuf, ou
une base PostgreSQL créée par createdb, sans migrate — et on compare, table par table et
fichier par fichier, avec la base d'origine. Une archive abîmée ou modifiée, une base non
vide, un autre moteur : refusés sans rien écrire."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from espaces.facturation import services as facturation
from espaces.facturation.models import Facture
from gouvernance.services import decisions as services_decisions
from gouvernance.services import seances as services_seances
from habitants.models import Structure
from phares import sauvegardes
from tests.conftest import acteur
from tests.facturation import conftest as _facturation
from tests.gouvernance import conftest as _gouvernance

# The billing test world (building, tariffs, March 2026 leases and bookings, 14 April 2026)
# and the governance one (four co-managers, a July 2015 meeting).
_aujourd_hui = _facturation._aujourd_hui
batiment = _facturation.batiment
etage = _facturation.etage
bureau = _facturation.bureau
cotravail = _facturation.cotravail
salle = _facturation.salle
salle_formation = _facturation.salle_formation
client_externe = _facturation.client_externe
tarifs = _facturation.tarifs
cooperative = _facturation.cooperative
mars = _facturation.mars
cogerants = _gouvernance.cogerants
par = _gouvernance.par
cogerance = _gouvernance.cogerance

# pg_dump reads from its own connection, and SQLite's backup cannot read a database that
# the test's own transaction is writing: what is saved must be committed.
pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(settings.BASE_DIR)


def png(couleur: str) -> bytes:
    tampon = io.BytesIO()
    Image.new("RGB", (24, 16), couleur).save(tampon, format="PNG")
    return tampon.getvalue()


def empreintes(racine: Path) -> dict[str, str]:
    return {
        p.relative_to(racine).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(racine.rglob("*"))
        if p.is_file()
    }


def comptes(cursor, tables) -> dict[str, int]:
    resultat = {}
    for t in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{t}"')
        resultat[t] = cursor.fetchone()[0]
    return resultat


def sauvegarder(dossier: Path) -> Path:
    sortie = io.StringIO()
    call_command("sauvegarder", dossier=dossier, stdout=sortie)
    (archive,) = dossier.glob("phares-*.tar")
    assert f"Archive écrite : {archive}" in sortie.getvalue()
    return archive


def restaurer(archive: Path, *, media: Path, base: dict, force=False):
    """`manage.py restaurer` dans un autre processus, configuré comme le serait un hôte :
    DATABASE_URL (ou SQLITE_PATH) et MEDIA_ROOT de la cible."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(base, MEDIA_ROOT=str(media), PHARES_VAR_DIR=str(media.parent / "var"))
    commande = [sys.executable, "manage.py", "restaurer", str(archive)]
    return subprocess.run(
        commande + (["--force"] if force else []),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def base_neuve(tmp_path):
    """Une base vide du même moteur que celle des tests : un fichier SQLite qui n'existe pas
    encore, ou une base PostgreSQL créée par createdb (nom unique : processus xdist, test)
    et supprimée après. Renvoie l'environnement qui la désigne et de quoi l'interroger."""
    if connection.vendor == "sqlite":
        chemin = tmp_path / "restauree.sqlite3"
        import sqlite3

        def ouvrir():
            return sqlite3.connect(chemin)

        yield {"SQLITE_PATH": str(chemin)}, ouvrir
        return
    import psycopg

    reglages = connection.settings_dict
    nom = f"{reglages['NAME']}_r{uuid.uuid4().hex[:8]}"[-63:]
    env = {
        **os.environ,
        "PGHOST": reglages["HOST"] or "",
        "PGPORT": str(reglages["PORT"] or ""),
        "PGUSER": reglages["USER"] or "",
        "PGPASSWORD": reglages["PASSWORD"] or "",
    }
    subprocess.run(["createdb", nom], env=env, check=True)
    url = (
        f"postgres://{reglages['USER']}:{reglages['PASSWORD']}@{reglages['HOST']}:"
        f"{reglages['PORT'] or 5432}/{nom}"
    )

    def ouvrir():
        return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)

    try:
        yield {"DATABASE_URL": url}, ouvrir
    finally:
        subprocess.run(["dropdb", "--force", "--if-exists", nom], env=env, check=True)


@pytest.fixture
def pole(mars, cooperative, comptable, cogerance, cogerants, par, structure_a):
    """Un petit pôle aux données de toutes sortes : deux factures émises avec leur PDF
    Factur-X, un procès-verbal approuvé avec son PDF (rendus par WeasyPrint, octets gardés en
    base), un logo et une photo sous MEDIA_ROOT (dont un nom accentué)."""
    facturation.preparer_mois(mois=_facturation.MARS, par=acteur(comptable))
    factures = [
        facturation.emettre(facture=f, par=acteur(comptable))
        for f in Facture.objects.brouillons().order_by("pk")[:2]
    ]
    _gouvernance.noter(cogerance, par, Claude="present", Martine="present", Mamadou="present")
    services_decisions.enregistrer_decision(
        seance=cogerance,
        titre="Service vélos",
        texte="Deux vélos cargo en prêt.",
        categorie="autre",
        vote=services_decisions.Vote.consensus(),
        par=par,
    )
    services_seances.modifier_seance(
        seance=cogerance, par=par, president=cogerants[0], secretaire=cogerants[1]
    )
    seance = services_seances.approuver(seance=cogerance, par=par, notifier=False)
    structure_a.logo.save("halage.png", ContentFile(png("teal")))
    default_storage.save("projets/photos/2015/fête-de-quartier.png", ContentFile(png("gold")))
    return {"factures": factures, "seance": seance}


def _aller_retour(pole, base_neuve, tmp_path):
    environnement, ouvrir = base_neuve
    source_media = Path(settings.MEDIA_ROOT)
    archive = sauvegarder(tmp_path / "archives")
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        attendus = comptes(cursor, tables)

    cible_media = tmp_path / "media-restauree"
    resultat = restaurer(archive, media=cible_media, base=environnement)

    assert resultat.returncode == 0, resultat.stderr
    assert "chaque table conforme au manifeste" in resultat.stdout
    assert "Migrations : la base est à jour pour ce code." in resultat.stdout
    # Every media file, byte for byte (the logo, the accented photo name).
    assert empreintes(cible_media) == empreintes(source_media)
    assert len(empreintes(cible_media)) == 2
    cible = ouvrir()
    try:
        cursor = cible.cursor()
        assert comptes(cursor, tables) == attendus
        assert attendus["facturation_documentpdf"] == 2 and attendus["gouvernance_documentpv"] == 1
        # The stored invoice and minutes PDFs are the very bytes that were sent.
        for facture in pole["factures"]:
            cursor.execute(
                "SELECT contenu FROM facturation_documentpdf WHERE facture_id = %s"
                if connection.vendor == "postgresql"
                else "SELECT contenu FROM facturation_documentpdf WHERE facture_id = ?",
                [facture.pk],
            )
            contenu = bytes(cursor.fetchone()[0])
            assert contenu.startswith(b"%PDF")
            assert contenu == bytes(facture.document.contenu)
        cursor.execute("SELECT contenu, sha256 FROM gouvernance_documentpv")
        contenu, sha = cursor.fetchone()
        assert bytes(contenu) == bytes(pole["seance"].document.contenu)
        assert hashlib.sha256(bytes(contenu)).hexdigest() == sha
    finally:
        cible.close()
    return archive, cible_media


def test_l_aller_retour_rend_la_meme_base_et_les_memes_fichiers(pole, base_neuve, tmp_path):
    """SQLite ou PostgreSQL selon DATABASE_URL : la CI fait tourner les deux."""
    archive, cible_media = _aller_retour(pole, base_neuve, tmp_path)

    # Forced over what it just restored: the database is emptied first, then restored again.
    forcee = restaurer(archive, media=cible_media, base=base_neuve[0], force=True)
    assert forcee.returncode == 0, forcee.stderr
    assert "tables existantes effacées" in forcee.stdout
    assert "chaque table conforme au manifeste" in forcee.stdout


def test_le_manifeste_dit_ce_que_contient_l_archive(tmp_path, structure_a):
    default_storage.save("logos/halage.png", ContentFile(png("teal")))

    archive = sauvegarder(tmp_path)

    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: owner only
    with tarfile.open(archive) as tar:
        manifeste = json.load(tar.extractfile("manifeste.json"))
        noms = set(tar.getnames())
    assert manifeste["moteur"] == connection.vendor
    assert manifeste["base"] in noms and "media/logos/halage.png" in noms
    assert set(manifeste["fichiers"]) == noms - {"manifeste.json"}
    assert (
        manifeste["fichiers"]["media/logos/halage.png"]["sha256"]
        == hashlib.sha256(png("teal")).hexdigest()
    )
    assert manifeste["migrations"]["facturation"].startswith("00")
    assert set(manifeste["tables"]) >= {"django_migrations", "habitants_structure"}
    assert manifeste["tables"]["django_migrations"] > 50
    assert manifeste["commit"] is None or len(manifeste["commit"]) == 40


# -- Refus -----------------------------------------------------------------------------------


def reecrire(
    archive: Path, destination: Path, *, membres=None, manifeste=None, ajout=None, renommer=None
):
    """Une copie de l'archive dont on a changé des octets ou le manifeste (comme un disque
    abîmé ou une main malveillante)."""
    with tarfile.open(archive) as tar:
        contenus = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    for nom, changer in (membres or {}).items():
        contenus[nom] = changer(contenus[nom])
    for ancien, nouveau in (renommer or {}).items():
        contenus[nouveau] = contenus.pop(ancien)
    if manifeste:
        contenus["manifeste.json"] = json.dumps(
            manifeste(json.loads(contenus["manifeste.json"]))
        ).encode()
    contenus.update(ajout or {})
    with tarfile.open(destination, "w") as tar:
        for nom, octets in contenus.items():
            info = tarfile.TarInfo(nom)
            info.size = len(octets)
            tar.addfile(info, io.BytesIO(octets))
    return destination


@pytest.fixture
def archive(tmp_path, settings):
    default_storage.save("logos/halage.png", ContentFile(png("teal")))
    archive = sauvegarder(tmp_path / "archives")
    # Restores below aim at an empty media folder: whatever they refuse, it stays empty.
    settings.MEDIA_ROOT = tmp_path / "media-cible"
    return archive


def refus(archive, **options) -> str:
    with pytest.raises(CommandError) as erreur:
        call_command("restaurer", archive, stdout=io.StringIO(), **options)
    return str(erreur.value)


def rien_ecrit(settings, structure):
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).iterdir())
    assert Structure.objects.filter(pk=structure.pk).exists()


def test_une_archive_modifiee_est_refusee_sans_rien_ecrire(
    archive, tmp_path, settings, structure_a
):
    def un_octet(octets):
        return octets[:-1] + bytes([octets[-1] ^ 1])

    modifiee = reecrire(
        archive, tmp_path / "modifiee.tar", membres={"media/logos/halage.png": un_octet}
    )

    message = refus(modifiee, force=True)

    assert "Archive refusée, rien n'a été écrit" in message
    assert "media/logos/halage.png : empreinte SHA-256 différente du manifeste" in message
    rien_ecrit(settings, structure_a)
    lecture = refus(modifiee, verifier_seulement=True)
    assert "empreinte SHA-256 différente" in lecture


@pytest.mark.parametrize(
    ("changement", "attendu"),
    [
        ({"ajout": {"media/../../../tmp/evade.txt": b"x"}}, "membre inattendu"),
        ({"ajout": {"media/en-plus.txt": b"x"}}, "media/en-plus.txt : absent du manifeste"),
        (
            {
                "manifeste": lambda m: {
                    **m,
                    "fichiers": {**m["fichiers"], "media/x": m["fichiers"][m["base"]]},
                }
            },
            "media/x : manquant",
        ),
        ({"manifeste": lambda m: {"application": "autre"}}, "pas de manifeste de PHARES"),
    ],
)
def test_une_archive_incomplete_ou_piegee_est_refusee(
    archive, tmp_path, settings, structure_a, changement, attendu
):
    message = refus(reecrire(archive, tmp_path / "piegee.tar", **changement), force=True)

    assert "Archive refusée" in message and attendu in message
    rien_ecrit(settings, structure_a)
    assert not (Path("/tmp") / "evade.txt").exists()


def test_une_archive_tronquee_ou_absente_est_refusee(archive, tmp_path):
    tronquee = tmp_path / "tronquee.tar"
    tronquee.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    assert "Archive refusée" in refus(tronquee)
    assert "n'existe pas" in refus(tmp_path / "absente.tar")


def test_une_base_non_vide_est_refusee(archive, settings, structure_a):
    message = refus(archive)

    assert "Restauration refusée, rien n'a été écrit : la cible n'est pas vide" in message
    assert "--force (FORCE=1)" in message
    rien_ecrit(settings, structure_a)


def test_une_archive_d_un_autre_moteur_est_refusee(archive, tmp_path, settings, structure_a):
    autre = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    actuel = sauvegardes.BASES[connection.vendor]

    def changer(m):
        fichiers = dict(m["fichiers"])
        fichiers[sauvegardes.BASES[autre]] = fichiers.pop(actuel)
        return {**m, "moteur": autre, "base": sauvegardes.BASES[autre], "fichiers": fichiers}

    propre = reecrire(
        archive,
        tmp_path / "autre.tar",
        manifeste=changer,
        renommer={actuel: sauvegardes.BASES[autre]},
    )

    message = refus(propre, force=True)

    assert "Restauration refusée : l'archive vient d'une base" in message
    assert "Une copie de base ne change pas de moteur" in message
    rien_ecrit(settings, structure_a)


def test_une_archive_plus_recente_que_le_code_est_refusee(archive, tmp_path, settings, structure_a):
    plus_recente = reecrire(
        archive,
        tmp_path / "future.tar",
        manifeste=lambda m: {**m, "migrations": {**m["migrations"], "facturation": "9999_futur"}},
    )

    message = refus(plus_recente, force=True)

    assert "version plus récente de PHARES" in message and "facturation.9999_futur" in message
    rien_ecrit(settings, structure_a)


def test_la_retention_garde_les_plus_recentes_et_rien_d_autre(tmp_path):
    noms = [
        "phares-20261130-020000.tar",
        "phares-20261201-020000.tar",
        "phares-20261202-020000.tar",
        "phares-20261202-020000-2.tar",
        "notes.txt",
        "phares-20261129-020000.tar.partiel",
    ]
    for nom in noms:
        (tmp_path / nom).write_bytes(b"")

    supprimees = sauvegardes.elaguer(tmp_path, garder=2)

    assert sorted(p.name for p in supprimees) == noms[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(noms[2:])
    with pytest.raises(sauvegardes.SauvegardeError, match="au moins une archive"):
        sauvegardes.elaguer(tmp_path, garder=0)
