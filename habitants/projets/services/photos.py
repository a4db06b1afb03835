"""Photos de la vie du pôle : téléverser, décrire, retirer.

Un fichier envoyé n'est jamais gardé tel quel. Son type est reconnu par Pillow d'après son
contenu (ni l'extension ni le type annoncé ne comptent) et seuls JPEG, PNG et WebP passent
(SVG refusé : c'est du code, pas une image) ; son poids et ses pixels sont bornés
(`PROJETS_PHOTO_MAX_OCTETS`, `PROJETS_PHOTO_MAX_PIXELS`) avant qu'il soit décodé ;
l'orientation EXIF est appliquée, puis il est ré-encodé en JPEG, sans aucune métadonnée (ni
GPS, ni appareil), en trois tailles : impression, web, vignette. Les noms des fichiers ne
viennent pas de l'envoi : `projets/photos/<clé aléatoire>/<taille>.jpg`.

Les fichiers ne s'écrivent qu'une fois la photo validée, dans la transaction qui crée la ligne :
si elle échoue, ils sont effacés ; une photo retirée perd ses fichiers une fois le retrait
validé (`transaction.on_commit`). Appelé dans une transaction plus large (la démo), un
retour en arrière de celle-ci laisserait un dossier orphelin sur le disque : jamais servi
(la vue ne sert que les photos enregistrées, voir `views/photos.py`), seulement de la place.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from .. import roles
from ..models import Photo, Projet
from ._erreurs import ProjetsError

FORMATS = ("JPEG", "PNG", "WEBP")
# Long side of each kept size, in pixels: A4 at 300 dpi, a web page, a gallery tile.
TAILLES = {"impression": 2480, "web": 1200, "vignette": 400}
QUALITE = {"impression": 90, "web": 85, "vignette": 80}
PREFIXE = "projets/photos/"
CHAMPS = (
    "legende",
    "texte_alternatif",
    "date",
    "credit",
    "projet",
    "evenement",
    "axe",
    "publique",
)


class PhotoRefusee(ProjetsError):
    """Le fichier lui-même est refusé (la vue met le message sous le champ du fichier)."""


# --- Qui peut quoi ----------------------------------------------------------------------------


def projets_illustrables(user) -> QuerySet[Projet]:
    """Les projets dont `user` peut téléverser des photos : tous pour la gestion, ceux où une
    structure dont il est référent·e participe sinon (roles.peut_modifier_projet)."""
    if roles.is_gestion(user):
        return Projet.objects.select_related("axe")
    return (
        Projet.objects.filter(participations__structure_id__in=roles.structures_referent(user))
        .select_related("axe")
        .distinct()
    )


def peut_ajouter(user, *, projet: Projet | None = None) -> bool:
    if roles.is_gestion(user):
        return True
    if projet is not None:
        return roles.peut_modifier_projet(user, projet)
    return projets_illustrables(user).exists()


def peut_modifier(user, photo: Photo) -> bool:
    """La gestion ; les référent·es d'une structure du projet que la photo illustre."""
    if roles.is_gestion(user):
        return True
    return photo.projet_id is not None and roles.peut_modifier_projet(user, photo.projet)


def _gestion(par: Acteur) -> bool:
    return par.est_systeme or roles.is_gestion(par.user)


def _verifier(photo: Photo, par: Acteur, *, avant: Photo | None = None) -> None:
    if not photo.legende.strip():
        raise ProjetsError("Donnez une légende à la photo.")
    if not (photo.projet_id or photo.evenement_id or photo.axe_id):
        raise ProjetsError("Dites ce que la photo illustre : un projet, un événement ou un axe.")
    if _gestion(par):
        return
    if avant is not None and not peut_modifier(par.user, avant):
        raise ProjetsError("Seuls la gestion et les référent·es du projet modifient cette photo.")
    if photo.projet is None or not roles.peut_modifier_projet(par.user, photo.projet):
        raise ProjetsError(
            "Vous ajoutez des photos aux projets auxquels votre structure participe."
        )
    if photo.publique != (avant.publique if avant else False):
        raise ProjetsError("Seule la gestion publie une photo sur le site public.")
    if avant is not None and (photo.evenement_id, photo.axe_id) != (
        avant.evenement_id,
        avant.axe_id,
    ):
        raise ProjetsError("Seule la gestion rattache une photo à un événement ou à un axe.")
    if avant is None and (photo.evenement_id or photo.axe_id):
        raise ProjetsError("Seule la gestion rattache une photo à un événement ou à un axe.")


# --- Le fichier -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoPreparee:
    """Les trois JPEG d'une photo, et la taille de la plus grande."""

    fichiers: dict[str, bytes]
    largeur: int
    hauteur: int


def _mo(octets: int) -> str:
    return f"{octets / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " Mo"


def _ressemble_a_du_svg(debut: bytes) -> bool:
    tete = debut.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return tete.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in tete


def _poids(fichier) -> int:
    taille = getattr(fichier, "size", None)
    if taille is None:
        fichier.seek(0, os.SEEK_END)
        taille = fichier.tell()
    return taille


def preparer(fichier) -> PhotoPreparee:
    """Vérifie et ré-encode un fichier envoyé ; PhotoRefusee, en français, sinon."""
    max_octets = settings.PROJETS_PHOTO_MAX_OCTETS
    poids = _poids(fichier)
    if poids > max_octets:
        raise PhotoRefusee(
            f"La photo pèse {_mo(poids)} : {_mo(max_octets)} au plus. "
            "Réduisez-la avant de l'envoyer."
        )
    if poids == 0:
        raise PhotoRefusee("Le fichier envoyé est vide.")
    fichier.seek(0)
    debut = fichier.read(2048)
    fichier.seek(0)
    if _ressemble_a_du_svg(debut):
        raise PhotoRefusee(
            "Les images SVG ne sont pas acceptées : envoyez une photo JPEG, PNG ou WebP."
        )
    try:
        # Pillow only warns between 89 and 178 million pixels: here that is a refusal too.
        # (The filter is process-wide for the duration; gunicorn's sync workers have one
        # request per process.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fichier, formats=FORMATS) as source:
                _verifier_pixels(*source.size)
                # JPEG only: decode at the smallest scale still ≥ the print size.
                source.draft("RGB", (TAILLES["impression"], TAILLES["impression"]))
                source.load()
                image = _en_rvb(ImageOps.exif_transpose(source), source.info.get("icc_profile"))
    except PhotoRefusee:
        raise
    except UnidentifiedImageError as exc:
        raise PhotoRefusee(
            "Ce fichier n'est pas une photo lisible : envoyez une image JPEG, PNG ou WebP."
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefusee(_trop_de_pixels()) from exc
    except Exception as exc:
        raise PhotoRefusee(
            "Cette image est illisible ou abîmée : enregistrez-la de nouveau, puis renvoyez-la."
        ) from exc
    fichiers = {nom: _jpeg(image, cote, QUALITE[nom]) for nom, cote in TAILLES.items()}
    with Image.open(io.BytesIO(fichiers["impression"])) as grande:
        largeur, hauteur = grande.size
    return PhotoPreparee(fichiers=fichiers, largeur=largeur, hauteur=hauteur)


def _trop_de_pixels(largeur: int | None = None, hauteur: int | None = None) -> str:
    limite = f"{settings.PROJETS_PHOTO_MAX_PIXELS / 1_000_000:g}".replace(".", ",")
    taille = f"mesure {largeur} × {hauteur} pixels" if largeur else "compte trop de pixels"
    return f"Cette image {taille} : {limite} millions de pixels au plus. Réduisez-la."


def _verifier_pixels(largeur: int, hauteur: int) -> None:
    if largeur * hauteur > settings.PROJETS_PHOTO_MAX_PIXELS:
        raise PhotoRefusee(_trop_de_pixels(largeur, hauteur))


def _en_rvb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RVB 8 bits : la transparence posée sur du blanc, les couleurs ramenées en sRVB (le
    profil de couleur, comme toutes les métadonnées, n'est pas gardé)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        fond = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(fond, image.convert("RGBA")).convert("RGB")
    elif image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    if icc and image.mode in ("RGB", "CMYK", "L"):
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
    return image if image.mode == "RGB" else image.convert("RGB")


def _jpeg(image: Image.Image, cote: int, qualite: int) -> bytes:
    copie = image.copy()
    copie.thumbnail((cote, cote), Image.Resampling.LANCZOS)  # never enlarges
    sortie = io.BytesIO()
    # Nothing but the pixels: no exif=, icc_profile= or comment is passed on.
    copie.save(sortie, format="JPEG", quality=qualite, optimize=True, progressive=True)
    return sortie.getvalue()


def _effacer(noms: list[str]) -> None:
    """Efface des fichiers de photo puis leur dossier s'il est vide (jamais hors du préfixe)."""
    storage = Photo._meta.get_field("web").storage
    dossiers = set()
    for nom in noms:
        if not nom or not posixpath.normpath(nom).startswith(PREFIXE):
            continue
        storage.delete(nom)
        dossiers.add(posixpath.dirname(posixpath.normpath(nom)))
    for dossier in dossiers:
        with contextlib.suppress(OSError, NotImplementedError):
            os.rmdir(storage.path(dossier))


def _noms(photo: Photo) -> list[str]:
    return [getattr(photo, taille).name for taille in TAILLES]


# --- Opérations -------------------------------------------------------------------------------


def ajouter_photo(*, photo: Photo, fichier, par: Acteur) -> Photo:
    """Enregistre `photo` (non sauvée, ses champs remplis par un formulaire) avec les trois
    tailles tirées de `fichier`."""
    par = exiger(par)
    if photo.pk is not None:
        raise ValueError("ajouter_photo() crée une photo ; modifier_photo() la modifie.")
    _verifier(photo, par)
    preparee = preparer(fichier)
    photo.largeur, photo.hauteur = preparee.largeur, preparee.hauteur
    photo.cree_par = par.user
    ecrits: list[str] = []
    try:
        with transaction.atomic():
            for taille, octets in preparee.fichiers.items():
                champ = getattr(photo, taille)
                champ.save(f"{taille}.jpg", ContentFile(octets), save=False)
                ecrits.append(champ.name)
            photo.save()
            journal.journaliser(
                par=par,
                operation="photo.ajouter",
                libelle=f"Photo ajoutée : {photo.legende}",
                objet=photo,
                changements=journal.creation(photo, CHAMPS),
            )
    except BaseException:
        _effacer(ecrits)  # the row is gone with the transaction: its files go too
        raise
    return photo


def modifier_photo(*, photo: Photo, par: Acteur) -> Photo:
    """Enregistre la légende, la date, le crédit, ce que la photo illustre, sa publication
    (les fichiers ne changent pas : une autre image est une autre photo)."""
    par = exiger(par)
    with transaction.atomic():
        avant = (
            Photo.objects.select_for_update(of=("self",)).select_related("projet").get(pk=photo.pk)
        )
        _verifier(photo, par, avant=avant)
        changements = journal.ecarts(
            journal.instantane(avant, CHAMPS), journal.instantane(photo, CHAMPS)
        )
        if changements:
            photo.save(update_fields=[*CHAMPS])
            journal.journaliser(
                par=par,
                operation="photo.modifier",
                libelle=f"Photo modifiée : {photo.legende}",
                objet=photo,
                changements=changements,
            )
    return photo


def supprimer_photo(*, photo: Photo, par: Acteur) -> None:
    """Retire la photo ; ses fichiers sont effacés une fois le retrait validé."""
    par = exiger(par)
    with transaction.atomic():
        avant = (
            Photo.objects.select_for_update(of=("self",)).select_related("projet").get(pk=photo.pk)
        )
        if not _gestion(par) and not peut_modifier(par.user, avant):
            raise ProjetsError(
                "Seuls la gestion et les référent·es du projet retirent cette photo."
            )
        noms = _noms(avant)
        journal.journaliser(
            par=par,
            operation="photo.supprimer",
            libelle=f"Photo retirée : {avant.legende}",
            objet=avant,
            changements=journal.ecarts(journal.instantane(avant, CHAMPS), {}),
        )
        avant.delete()
        transaction.on_commit(lambda: _effacer(noms))
