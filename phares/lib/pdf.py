"""PDF imprimés par WeasyPrint depuis un gabarit HTML (procès-verbaux, registres) : les
fichiers statiques (polices Inter) sont lus dans `static/`, les polices chargées une fois par
fil. La facture a son propre rendu (PDF/A-3 Factur-X, espaces/facturation/rendu.py)."""

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


def depuis_gabarit(gabarit: str, contexte: dict) -> bytes:
    """Le PDF (PDF/A-2b : archivable, polices embarquées) du gabarit rendu avec `contexte`."""
    import weasyprint  # heavy: imported when a PDF is made, not at start-up

    html = render_to_string(gabarit, contexte)
    page = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR / "static"))
    return page.write_pdf(font_config=_polices(), pdf_variant="pdf/a-2b")
