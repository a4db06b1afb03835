"""Filtres des gabarits du rapport annuel (templates/rapports/) : textes éditoriaux en
paragraphes et en listes, nombres à la française, images lues sur disque pour le PDF et par
URL pour l'aperçu."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from django import template
from django.conf import settings

from phares.lib.money import format_nombre

register = template.Library()


@register.filter
def paragraphes(texte: str) -> list[str]:
    """Les paragraphes d'un texte éditorial : séparés par une ligne vide."""
    blocs = (texte or "").replace("\r\n", "\n").split("\n\n")
    return [" ".join(b.split()) for b in blocs if b.strip()]


@register.filter
def lignes(texte: str) -> list[str]:
    """Une liste saisie une ligne par élément (puces « - » ou « • » tolérées)."""
    sortie = []
    for ligne in (texte or "").splitlines():
        ligne = ligne.strip().lstrip("-•➔").strip()
        if ligne:
            sortie.append(ligne)
    return sortie


@register.filter
def nombre(valeur) -> str:
    """2.5 -> « 2,5 », 1350 -> « 1350 » (comme le rapport 2015)."""
    return format_nombre(valeur)


def _fichier_en_url(chemin: str) -> str:
    """Un fichier de MEDIA_ROOT par son URL ; ailleurs (fichiers de test, logos hors media),
    embarqué en `data:` pour que l'aperçu reste lisible."""
    fichier = Path(chemin)
    try:
        relatif = fichier.resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError:
        if not fichier.is_file():
            return ""
        type_ = mimetypes.guess_type(fichier.name)[0] or "application/octet-stream"
        return f"data:{type_};base64,{base64.b64encode(fichier.read_bytes()).decode()}"
    return settings.MEDIA_URL + relatif.as_posix()


@register.simple_tag(takes_context=True)
def photo_src(context, photo) -> str:
    """La photo en taille d'impression pour le PDF (fichier), en taille écran pour l'aperçu."""
    if context.get("support") == "pdf":
        return Path(photo.chemin).as_uri()
    return photo.url


@register.simple_tag(takes_context=True)
def logo_src(context, financeur) -> str:
    if not financeur.logo:
        return ""
    if context.get("support") == "pdf":
        return Path(financeur.logo).as_uri()
    return _fichier_en_url(financeur.logo)
