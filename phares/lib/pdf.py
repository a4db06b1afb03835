"""PDF imprimés par WeasyPrint depuis un gabarit HTML (procès-verbaux, registres) : les
fichiers statiques (polices Inter) sont lus dans `static/`, les polices chargées une fois par
fil. La facture a son propre rendu (PDF/A-3 Factur-X, espaces/facturation/rendu.py) ; le
rapport annuel passe aussi par ici, en PDF/UA-1 (balisé pour les lecteurs d'écran)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string

_local = threading.local()


def _polices():
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "polices", None) is None:
        _local.polices = FontConfiguration()
    return _local.polices


def depuis_gabarit(gabarit: str, contexte: dict, *, variante: str = "pdf/a-2b") -> bytes:
    """Le PDF du gabarit rendu avec `contexte` ; polices embarquées, par défaut PDF/A-2b
    (archivable)."""
    import weasyprint  # heavy: imported when a PDF is made, not at start-up

    html = render_to_string(gabarit, contexte)
    page = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR / "static"))
    return page.write_pdf(font_config=_polices(), pdf_variant=variante)
