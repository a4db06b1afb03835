"""Sauvegarde et restauration : une seule archive tar, la base, les médias et un manifeste.

L'archive contient `base/postgresql.dump` (pg_dump --format=custom) ou `base/sqlite3.db`
(copie par l'API de sauvegarde en ligne de SQLite), les fichiers de MEDIA_ROOT sous
`media/`, et `manifeste.json` : l'empreinte SHA-256 et la taille de chaque membre, le
nombre de lignes de chaque table, la dernière migration de chaque application, le moteur,
la date et le commit. La restauration vérifie tout avant d'écrire quoi que ce soit, refuse
une base non vide sans `forcer`, puis recompte les lignes. Les choix : docs/decisions.md,
« Sauvegardes et restauration ».
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from phares.lib.migrations import en_attente

FORMAT = 1
MANIFESTE = "manifeste.json"
MEDIA = "media/"
BASES = {"postgresql": "base/postgresql.dump", "sqlite": "base/sqlite3.db"}
MOTEURS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
NOM_ARCHIVE = re.compile(r"^phares-(?P<quand>\d{8}-\d{6})(?:-(?P<rang>\d+))?\.tar$")
BLOC = 1024 * 1024
ATTENTE_SQLITE = 60


class SauvegardeError(Exception):
    """Une sauvegarde ou une restauration refusée ; le message dit pourquoi, en français."""


@dataclass
class Bilan:
    """Ce qu'une sauvegarde ou une restauration a fait, pour le résumé imprimé."""

    archive: Path
    manifeste: dict
    lignes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> int:
        return len(self.manifeste["tables"])

    @property
    def rangees(self) -> int:
        return sum(self.manifeste["tables"].values())


# -- Sauvegarder ---------------------------------------------------------------------------


def sauvegarder(*, dossier: Path, alias: str = "default", garder: int | None = None) -> Bilan:
    """Écrit une archive dans `dossier` et la renvoie avec son manifeste.

    L'archive s'écrit sous un nom provisoire (`.partiel`) renommé à la fin : une sauvegarde
    interrompue ne laisse jamais un fichier qui a l'air complet. Lisible par son seul
    propriétaire : elle contient des données personnelles.
    """
    if garder is not None and garder < 1:
        raise SauvegardeError("La rétention garde au moins une archive (--garder 1 ou plus).")
    connexion = connections[alias]
    moteur = connexion.vendor
    if moteur not in BASES:
        raise SauvegardeError(f"Moteur de base non pris en charge pour la sauvegarde : {moteur}.")
    dossier = Path(dossier)
    dossier.mkdir(mode=0o700, parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="phares-sauvegarde-") as tmp:
        copie = Path(tmp) / "base"
        if moteur == "postgresql":
            etat = _copier_postgres(connexion, copie)
        else:
            etat = _copier_sqlite(connexion, copie)
        manifeste = {
            "format": FORMAT,
            "application": "PHARES",
            "cree_le": timezone.now().isoformat(timespec="seconds"),
            "commit": _commit(),
            "moteur": moteur,
            **etat,
            "base": BASES[moteur],
            "media_root": str(media_root),
            "fichiers": {},
        }
        final = _nom_libre(dossier, timezone.localtime())
        partiel = final.with_name(final.name + ".partiel")
        fd = os.open(partiel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as brut:
                with tarfile.open(fileobj=brut, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    _ajouter(tar, manifeste, BASES[moteur], copie)
                    for chemin, nom in _fichiers_media(media_root):
                        _ajouter(tar, manifeste, MEDIA + nom, chemin)
                    contenu = json.dumps(manifeste, ensure_ascii=False, indent=2).encode()
                    tar.addfile(_info(MANIFESTE, len(contenu)), io.BytesIO(contenu))
                # On disk before the rename: a crash never leaves a complete-looking stub.
                brut.flush()
                os.fsync(brut.fileno())
            os.replace(partiel, final)
        except BaseException:
            partiel.unlink(missing_ok=True)
            raise
    bilan = Bilan(archive=final, manifeste=manifeste)
    medias = [n for n in manifeste["fichiers"] if n.startswith(MEDIA)]
    taille = sum(manifeste["fichiers"][n]["taille"] for n in medias)
    bilan.lignes += [
        f"Archive écrite : {final} ({filesizeformat(final.stat().st_size)}).",
        f"Base {MOTEURS[moteur]} : {bilan.tables} tables, {bilan.rangees} lignes.",
        f"Médias : {len(medias)} fichiers ({filesizeformat(taille)}) de {media_root}.",
    ]
    if getattr(settings, "MEDIA_STORAGE", "filesystem") != "filesystem":
        # The bucket is not read: an S3-compatible store keeps its own versions and copies.
        bilan.lignes.append(
            "Attention : les fichiers envoyés sont dans le seau S3 (MEDIA_STORAGE=s3) et ne "
            "sont pas dans cette archive ; sauvegardez le seau (versionnage, réplication)."
        )
    if garder is not None:
        supprimees = elaguer(dossier, garder=garder)
        if supprimees:
            bilan.lignes.append(
                f"Rétention : {len(supprimees)} archive(s) plus ancienne(s) supprimée(s), "
                f"les {garder} plus récentes gardées."
            )
    return bilan


def elaguer(dossier: Path, *, garder: int) -> list[Path]:
    """Supprime les archives `phares-AAAAMMJJ-HHMMSS.tar` de `dossier` au-delà des `garder`
    plus récentes (le nom porte l'heure : l'ordre des noms est l'ordre chronologique). Rien
    d'autre n'est touché dans le dossier."""
    if garder < 1:
        raise SauvegardeError("La rétention garde au moins une archive (--garder 1 ou plus).")
    archives = sorted(
        (p for p in Path(dossier).iterdir() if p.is_file() and NOM_ARCHIVE.match(p.name)),
        key=lambda p: _cle_archive(p.name),
    )
    anciennes = archives[:-garder]
    for p in anciennes:
        p.unlink()
    return anciennes


def _cle_archive(nom: str) -> tuple[str, int]:
    # phares-20261202-083000.tar → ("20261202-083000", 1); …-083000-2.tar → (…, 2)
    trouve = NOM_ARCHIVE.match(nom)
    return (trouve["quand"], int(trouve["rang"] or 1))


def _nom_libre(dossier: Path, quand: datetime.datetime) -> Path:
    nom = f"phares-{quand:%Y%m%d-%H%M%S}"
    chemin, n = dossier / f"{nom}.tar", 1
    while chemin.exists() or chemin.with_name(chemin.name + ".partiel").exists():
        n += 1
        chemin = dossier / f"{nom}-{n}.tar"
    return chemin


def _copier_postgres(connexion, destination: Path) -> dict:
    """pg_dump dans l'instantané d'une transaction REPEATABLE READ ouverte à côté : les
    comptes de lignes et l'état des migrations du manifeste sont ceux du dump, même si
    l'application écrit pendant la sauvegarde."""
    pg_dump = _outil("pg_dump")
    copie = connexion.copy()
    try:
        copie.ensure_connection()
        copie.set_autocommit(False)
        with copie.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            instantane, version = cursor.fetchone()
            _lancer(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={instantane}",
                    f"--file={destination}",
                ],
                connexion.settings_dict,
                "pg_dump",
            )
            tables = _compter(cursor, _tables_postgres(cursor))
            migrations = _migrations(cursor, tables)
        copie.rollback()
    finally:
        copie.close()
    return {
        "version_serveur": version,
        "outil": _version(pg_dump),
        "tables": tables,
        "migrations": migrations,
    }


def _copier_sqlite(connexion, destination: Path) -> dict:
    """L'API de sauvegarde en ligne de SQLite copie la base page à page dans une seule
    transaction de lecture : la copie est cohérente pendant que l'application écrit (en mode
    WAL, la lecture ne bloque pas les écritures). La copie repasse en journal classique pour
    tenir dans un seul fichier ; les comptes se font sur elle."""
    if connexion.in_atomic_block:
        # Reading through a connection that is writing would wait for itself forever.
        raise SauvegardeError("La sauvegarde SQLite se lance hors d'une transaction.")
    connexion.ensure_connection()
    cible = sqlite3.connect(destination)
    try:
        connexion.connection.backup(cible, progress=_patience(ATTENTE_SQLITE))
        cible.execute("PRAGMA journal_mode=DELETE")
        resultat = cible.execute("PRAGMA quick_check").fetchone()[0]
        if resultat != "ok":
            raise SauvegardeError(f"La base SQLite est abîmée (quick_check : {resultat}).")
        cursor = cible.cursor()
        tables = _compter(cursor, _tables_sqlite(cursor))
        migrations = _migrations(cursor, tables)
    finally:
        cible.close()
    return {
        "version_serveur": sqlite3.sqlite_version,
        "outil": f"sqlite3 {sqlite3.sqlite_version} (API de sauvegarde en ligne)",
        "tables": tables,
        "migrations": migrations,
    }


def _patience(secondes: float):
    """Python retente sans fin une étape de copie tant que la base est verrouillée : au-delà
    de `secondes`, on abandonne avec un message plutôt que d'attendre pour toujours."""
    limite = time.monotonic() + secondes

    def progres(etat, reste, total):
        if etat in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > limite:
            raise SauvegardeError(
                f"La base SQLite est restée verrouillée plus de {secondes:.0f} s "
                "(une écriture en cours ne finit pas) : rien n'a été copié, réessayez."
            )

    return progres


def _fichiers_media(racine: Path) -> Iterator[tuple[Path, str]]:
    """Les fichiers ordinaires sous MEDIA_ROOT, dans un ordre stable ; les liens
    symboliques ne sont pas suivis (rien hors du dossier ne part dans l'archive)."""
    if not racine.is_dir():
        return
    for dossier, sous_dossiers, fichiers in os.walk(racine):
        sous_dossiers.sort()
        for nom in sorted(fichiers):
            chemin = Path(dossier) / nom
            if chemin.is_file() and not chemin.is_symlink():
                yield chemin, chemin.relative_to(racine).as_posix()


def _ajouter(tar: tarfile.TarFile, manifeste: dict, nom: str, chemin: Path) -> None:
    with open(chemin, "rb") as f:
        taille = os.fstat(f.fileno()).st_size
        lecteur = _Lecteur(f)
        tar.addfile(_info(nom, taille), lecteur)
    manifeste["fichiers"][nom] = {"sha256": lecteur.empreinte.hexdigest(), "taille": taille}


def _info(nom: str, taille: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(nom)
    info.size = taille
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    return info


class _Lecteur:
    """Un fichier lu une seule fois : tarfile le copie dans l'archive, l'empreinte se calcule
    au passage."""

    def __init__(self, fichier):
        self.fichier = fichier
        self.empreinte = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        bloc = self.fichier.read(n)
        self.empreinte.update(bloc)
        return bloc


# -- Vérifier ------------------------------------------------------------------------------


def verifier(archive: Path) -> dict:
    """Relit toute l'archive et renvoie son manifeste si chaque membre a l'empreinte et la
    taille annoncées, sans rien écrire nulle part ; sinon SauvegardeError avec la liste des
    problèmes. Un membre absent du manifeste, manquant, qui n'est pas un fichier ordinaire
    ou dont le nom sortirait du dossier de restauration est aussi refusé."""
    archive = Path(archive)
    if not archive.is_file():
        raise SauvegardeError(f"L'archive {archive} n'existe pas.")
    problemes: list[str] = []
    try:
        with tarfile.open(archive, "r:") as tar:
            membres = tar.getmembers()
            manifeste = _lire_manifeste(tar, membres, archive)
            attendus = manifeste["fichiers"]
            vus: set[str] = set()
            for m in membres:
                if m.name == MANIFESTE:
                    continue
                if not m.isfile() or not _nom_sur(m.name) or m.name in vus:
                    problemes.append(f"{m.name} : membre inattendu (ni fichier ordinaire ni sûr)")
                    continue
                vus.add(m.name)
                attendu = attendus.get(m.name)
                if attendu is None:
                    problemes.append(f"{m.name} : absent du manifeste")
                    continue
                try:
                    empreinte = _empreinte(tar.extractfile(m))
                except (tarfile.TarError, OSError):
                    problemes.append(f"{m.name} : illisible (archive tronquée ?)")
                    continue
                if m.size != attendu["taille"] or empreinte != attendu["sha256"]:
                    problemes.append(f"{m.name} : empreinte SHA-256 différente du manifeste")
            problemes += [f"{nom} : manquant" for nom in sorted(attendus.keys() - vus)]
    except (tarfile.TarError, OSError) as exc:
        raise SauvegardeError(
            f"Archive refusée, rien n'a été écrit : {archive} n'est pas une archive tar "
            f"lisible ({exc})."
        ) from exc
    if problemes:
        liste = "\n".join(f"  - {p}" for p in problemes[:10])
        reste = f"\n  … et {len(problemes) - 10} autre(s)" if len(problemes) > 10 else ""
        raise SauvegardeError(
            "Archive refusée, rien n'a été écrit : elle est abîmée ou a été modifiée "
            f"depuis la sauvegarde.\n{liste}{reste}"
        )
    return manifeste


def _lire_manifeste(tar: tarfile.TarFile, membres, archive: Path) -> dict:
    trouves = [m for m in membres if m.name == MANIFESTE and m.isfile()]
    illisible = SauvegardeError(
        f"Archive refusée, rien n'a été écrit : {archive} n'a pas de manifeste de PHARES "
        "lisible (manifeste.json)."
    )
    if len(trouves) != 1:
        raise illisible
    try:
        manifeste = json.loads(tar.extractfile(trouves[0]).read())
    except (ValueError, tarfile.TarError, OSError) as exc:
        raise illisible from exc
    if not isinstance(manifeste, dict) or manifeste.get("application") != "PHARES":
        raise illisible
    if manifeste.get("format") != FORMAT:
        raise SauvegardeError(
            f"Archive refusée : format {manifeste.get('format')!r}, ce code lit le format {FORMAT}."
        )
    if not _manifeste_complet(manifeste):
        raise illisible
    return manifeste


def _manifeste_complet(m: dict) -> bool:
    try:
        return (
            m["moteur"] in BASES
            and m["base"] == BASES[m["moteur"]]
            and m["base"] in m["fichiers"]
            and all(isinstance(v, int) for v in m["tables"].values())
            and all(isinstance(v, str) for v in m["migrations"].values())
            and all(
                isinstance(f["sha256"], str) and isinstance(f["taille"], int)
                for f in m["fichiers"].values()
            )
        )
    except (KeyError, TypeError, AttributeError):
        return False


def _nom_sur(nom: str) -> bool:
    chemin = PurePosixPath(nom)
    return (
        not chemin.is_absolute()
        and ".." not in chemin.parts
        and "\\" not in nom
        and (nom in BASES.values() or (nom.startswith(MEDIA) and len(chemin.parts) > 1))
    )


def _empreinte(flux) -> str:
    h = hashlib.sha256()
    while bloc := flux.read(BLOC):
        h.update(bloc)
    return h.hexdigest()


# -- Restaurer -----------------------------------------------------------------------------


def restaurer(*, archive: Path, alias: str = "default", forcer: bool = False) -> Bilan:
    """Restaure la base et les médias d'une archive vérifiée, puis recompte les lignes.

    Refuse sans rien écrire : une archive abîmée, une archive d'un autre moteur, une archive
    plus récente que ce code (migration inconnue), une base qui a déjà des tables ou un
    MEDIA_ROOT qui a déjà des fichiers — sauf `forcer`, qui vide d'abord la base (schéma
    PostgreSQL effacé et recréé ; base SQLite remplacée en entier) et écrase les médias de
    même nom (les autres fichiers restent, aucun n'est effacé).
    """
    archive = Path(archive)
    manifeste = verifier(archive)
    connexion = connections[alias]
    moteur = connexion.vendor
    if manifeste["moteur"] != moteur:
        raise SauvegardeError(
            f"Restauration refusée : l'archive vient d'une base {MOTEURS[manifeste['moteur']]} "
            f"et la base configurée est {MOTEURS.get(moteur, moteur)}. Une copie de base ne "
            "change pas de moteur ; pour passer de l'un à l'autre, restaurez dans le même "
            "moteur puis utilisez dumpdata/loaddata."
        )
    _refuser_migrations_inconnues(manifeste)
    media_root = Path(settings.MEDIA_ROOT)
    tables = _tables(connexion)
    deja = {nom for _, nom in _fichiers_media(media_root)}
    if (tables or deja) and not forcer:
        raise SauvegardeError(
            "Restauration refusée, rien n'a été écrit : la cible n'est pas vide "
            f"({len(tables)} tables dans la base, {len(deja)} fichiers dans {media_root}). "
            "Restaurez dans une base neuve (createdb) et un MEDIA_ROOT vide, ou ajoutez "
            "--force (FORCE=1) pour effacer la base et écraser les médias de même nom."
        )
    bilan = Bilan(archive=archive, manifeste=manifeste)
    medias = sorted(n for n in manifeste["fichiers"] if n.startswith(MEDIA))
    with tempfile.TemporaryDirectory(prefix="phares-restauration-") as tmp:
        _extraire(archive, manifeste, Path(tmp))
        if forcer and tables:
            _vider(connexion)
            bilan.lignes.append(f"--force : {len(tables)} tables existantes effacées.")
        base = Path(tmp) / manifeste["base"]
        if moteur == "postgresql":
            _restaurer_postgres(connexion, base)
        else:
            _restaurer_sqlite(connexion, base)
        ecrases = _placer_medias(Path(tmp), medias, media_root)
    taille = sum(manifeste["fichiers"][n]["taille"] for n in medias)
    bilan.lignes.insert(
        0,
        f"Archive vérifiée : {len(manifeste['fichiers'])} fichiers, empreintes SHA-256 "
        f"conformes (sauvegarde du {manifeste['cree_le']}, {MOTEURS[moteur]} "
        f"{manifeste['version_serveur']}, commit {(manifeste.get('commit') or 'inconnu')[:12]}).",
    )
    bilan.lignes.append(
        f"Médias restaurés : {len(medias)} fichiers ({filesizeformat(taille)}) dans {media_root}"
        + (f", dont {ecrases} remplacés." if ecrases else ".")
    )
    restes = deja - {n.removeprefix(MEDIA) for n in medias}
    if restes:
        bilan.lignes.append(
            f"--force : {len(restes)} fichiers de {media_root} absents de l'archive sont "
            "restés en place (aucun média n'est effacé)."
        )
    ecarts = _comparer(connexion, manifeste["tables"])
    if ecarts:
        raise SauvegardeError(
            "Base restaurée, mais les comptes de lignes diffèrent du manifeste :\n"
            + "\n".join(f"  - {e}" for e in ecarts[:20])
        )
    bilan.lignes.append(
        f"Base restaurée : {bilan.tables} tables, {bilan.rangees} lignes, chaque table "
        "conforme au manifeste."
    )
    bilan.lignes.append(_migrations_en_attente(connexion))
    return bilan


def _refuser_migrations_inconnues(manifeste: dict) -> None:
    connues = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    apps = {app for app, _ in connues}
    inconnues = [
        f"{app}.{nom}"
        for app, nom in sorted(manifeste["migrations"].items())
        if app in apps and (app, nom) not in connues
    ]
    if inconnues:
        raise SauvegardeError(
            "Restauration refusée, rien n'a été écrit : l'archive vient d'une version plus "
            f"récente de PHARES (migrations inconnues de ce code : {', '.join(inconnues)}). "
            f"Installez la version du commit {manifeste.get('commit') or 'de la sauvegarde'} "
            "avant de restaurer."
        )


def _extraire(archive: Path, manifeste: dict, dossier: Path) -> None:
    """Extrait les membres (noms déjà vérifiés) en recalculant leur empreinte : un fichier
    changé entre la vérification et l'extraction est refusé aussi, avant toute écriture."""
    with tarfile.open(archive, "r:") as tar:
        for m in tar.getmembers():
            if m.name == MANIFESTE:
                continue
            cible = dossier / m.name
            cible.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            with tar.extractfile(m) as source, open(cible, "wb") as sortie:
                while bloc := source.read(BLOC):
                    h.update(bloc)
                    sortie.write(bloc)
            if h.hexdigest() != manifeste["fichiers"][m.name]["sha256"]:
                raise SauvegardeError(
                    f"Archive refusée, rien n'a été écrit : {m.name} a changé pendant la lecture."
                )


def _vider(connexion) -> None:
    """--force : la base redevient vide, comme après createdb (ou un fichier SQLite neuf)."""
    if connexion.vendor == "sqlite":
        return  # the online backup replaces the whole database, pages and schema alike
    q = connexion.ops.quote_name
    with transaction.atomic(using=connexion.alias), connexion.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), pg_get_userbyid(nspowner) FROM pg_namespace "
            "WHERE nspname = current_schema()"
        )
        schema, proprietaire = cursor.fetchone()
        cursor.execute(f"DROP SCHEMA {q(schema)} CASCADE")
        cursor.execute(f"CREATE SCHEMA {q(schema)} AUTHORIZATION {q(proprietaire)}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {q(schema)} TO PUBLIC")


def _restaurer_postgres(connexion, dump: Path) -> None:
    """pg_restore en une transaction : il échoue en entier ou réussit en entier. Sans
    propriétaires ni droits d'origine : les objets appartiennent au rôle de l'application."""
    connexion.close()
    _lancer(
        [
            _outil("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={connexion.settings_dict['NAME']}",
            str(dump),
        ],
        connexion.settings_dict,
        "pg_restore",
    )


def _restaurer_sqlite(connexion, copie: Path) -> None:
    """L'API de sauvegarde, dans l'autre sens : la copie remplace la base page à page, par la
    connexion de l'application (les fichiers -wal et -shm restent cohérents)."""
    connexion.ensure_connection()
    source = sqlite3.connect(copie)
    try:
        source.backup(connexion.connection, progress=_patience(ATTENTE_SQLITE))
    finally:
        source.close()


def _placer_medias(tmp: Path, medias: list[str], racine: Path) -> int:
    ecrases = 0
    for nom in medias:
        cible = racine / nom.removeprefix(MEDIA)
        cible.parent.mkdir(parents=True, exist_ok=True)
        ecrases += cible.exists()
        shutil.move(tmp / nom, cible)
    return ecrases


def _comparer(connexion, attendues: dict[str, int]) -> list[str]:
    with connexion.cursor() as cursor:
        trouvees = _compter(cursor, _tables(connexion))
    ecarts = [
        f"{t} : {attendues[t]} lignes attendues, {trouvees.get(t, 'table absente')}"
        for t in sorted(attendues)
        if trouvees.get(t) != attendues[t]
    ]
    ecarts += [f"{t} : table absente de l'archive" for t in sorted(trouvees.keys() - attendues)]
    return ecarts


def _migrations_en_attente(connexion) -> str:
    plan = en_attente(connexion)
    if plan:
        return (
            f"Migrations : {len(plan)} à appliquer (l'archive vient d'une version plus "
            "ancienne) : lancez `python manage.py migrate`."
        )
    return "Migrations : la base est à jour pour ce code."


# -- Outils communs ------------------------------------------------------------------------


def _tables(connexion) -> list[str]:
    connexion.ensure_connection()
    with connexion.cursor() as cursor:
        if connexion.vendor == "postgresql":
            return _tables_postgres(cursor)
        return _tables_sqlite(cursor)


def _tables_postgres(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    return [r[0] for r in cursor.fetchall()]


def _tables_sqlite(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
    )
    return [r[0] for r in cursor.fetchall()]


def _compter(cursor, tables: list[str]) -> dict[str, int]:
    comptes = {}
    for t in tables:
        cursor.execute('SELECT COUNT(*) FROM "{}"'.format(t.replace('"', '""')))
        comptes[t] = cursor.fetchone()[0]
    return comptes


def _migrations(cursor, tables: dict[str, int]) -> dict[str, str]:
    """La dernière migration appliquée de chaque application."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def _outil(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        raise SauvegardeError(
            f"{nom} est introuvable : installez le client PostgreSQL (paquet "
            "postgresql-client, de la version du serveur ou plus récente)."
        )
    return chemin


def _environnement(reglages: dict) -> dict[str, str]:
    """La connexion passe par les variables libpq, jamais par la ligne de commande : le mot
    de passe n'apparaît ni dans `ps` ni dans un journal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    valeurs = {
        "PGDATABASE": reglages.get("NAME"),
        "PGUSER": reglages.get("USER"),
        "PGPASSWORD": reglages.get("PASSWORD"),
        "PGHOST": reglages.get("HOST"),
        "PGPORT": reglages.get("PORT"),
        "PGAPPNAME": "phares-sauvegarde",
    }
    options = reglages.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("service", "PGSERVICE"),
        ("passfile", "PGPASSFILE"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ):
        valeurs[variable] = options.get(option)
    env.update({k: str(v) for k, v in valeurs.items() if v not in (None, "")})
    return env


def _lancer(commande: list[str], reglages: dict, nom: str) -> None:
    resultat = subprocess.run(
        commande, env=_environnement(reglages), capture_output=True, text=True, check=False
    )
    if resultat.returncode != 0:
        erreur = "\n".join(resultat.stderr.strip().splitlines()[-8:])
        raise SauvegardeError(f"{nom} a échoué (code {resultat.returncode}) :\n{erreur}")


def _version(outil: str) -> str:
    resultat = subprocess.run([outil, "--version"], capture_output=True, text=True, check=False)
    return resultat.stdout.strip()


def _commit() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    resultat = subprocess.run(
        [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return resultat.stdout.strip() if resultat.returncode == 0 else None
