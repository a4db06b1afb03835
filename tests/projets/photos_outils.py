"""Fabriques d'images pour les tests des photos : de vraies images, des fichiers qui n'en
sont pas, des bombes de décompression (un en-tête PNG qui annonce des milliards de pixels)."""

import datetime
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habitants.projets.models import Participation, Projet
from tests.conftest import axe

GPS = 0x8825
ORIENTATION = 0x0112


def exif_avec_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Maud"  # Make
    gps = exif.get_ifd(GPS)
    gps[1] = "N"
    gps[2] = (48.0, 56.0, 12.5)
    gps[3] = "E"
    gps[4] = (2.0, 20.0, 30.0)
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def image(format_="PNG", taille=(3000, 2000), *, mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, taille, "teal").save(buffer, format=format_, **save)
    return buffer.getvalue()


def fichier(contenu: bytes, nom="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type)


def _chunk(type_: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + type_ + data + struct.pack(">I", zlib.crc32(type_ + data))


def bombe_png(largeur: int, hauteur: int) -> bytes:
    """Quelques centaines d'octets qui annoncent largeur × hauteur pixels (1 bit, gris)."""
    ihdr = struct.pack(">IIBBBBB", largeur, hauteur, 1, 0, 0, 0, 0)
    ligne = b"\x00" + b"\x00" * ((largeur + 7) // 8)
    idat = zlib.compress(ligne * 8, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
    b'<script>alert("x")</script><rect width="40" height="30" fill="teal"/></svg>'
)


def projet(structure=None, *, slug="jardin", public=True, numero_axe=2) -> Projet:
    p = Projet.objects.create(
        nom=slug.replace("-", " ").capitalize(),
        slug=slug,
        axe=axe(numero_axe),
        debut=datetime.date(2015, 3, 1),
        public=public,
    )
    if structure is not None:
        Participation.objects.create(projet=p, structure=structure, role="porteur")
    return p


def fichiers_photos(media_root) -> list:
    dossier = media_root / "projets" / "photos"
    return sorted(p for p in dossier.rglob("*") if p.is_file()) if dossier.exists() else []
