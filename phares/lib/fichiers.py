"""Un fichier envoyé (FieldFile) en chemin local, pour les outils qui lisent un chemin
(WeasyPrint et ses `file://`), que les fichiers soient sur le disque ou dans un seau S3.

Sur le disque : le chemin du fichier lui-même. Ailleurs (MEDIA_STORAGE=s3) : une copie dans
un dossier temporaire du processus, gardée sous le nom du fichier ; les noms ne sont jamais
réutilisés pour un autre contenu (file_overwrite=False), la copie reste donc juste.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

COPIES = Path(tempfile.gettempdir()) / "phares-media"


def chemin_local(fichier) -> str:
    """Le chemin d'un fichier lisible sur ce serveur ; "" si le champ est vide."""
    if not fichier:
        return ""
    try:
        return fichier.storage.path(fichier.name)
    except NotImplementedError:
        pass
    suffixe = Path(fichier.name).suffix
    copie = COPIES / (hashlib.sha256(fichier.name.encode()).hexdigest() + suffixe)
    if not copie.exists():
        COPIES.mkdir(parents=True, exist_ok=True)
        # A name of its own: two workers copying the same file at once never write into
        # (or rename) each other's half-written copy.
        fd, partielle = tempfile.mkstemp(dir=COPIES, suffix=".part")
        try:
            with fichier.storage.open(fichier.name, "rb") as source, open(fd, "wb") as dest:
                shutil.copyfileobj(source, dest)
            os.replace(partielle, copie)  # atomic: another worker never reads half a file
        except BaseException:
            Path(partielle).unlink(missing_ok=True)
            raise
    return str(copie)
