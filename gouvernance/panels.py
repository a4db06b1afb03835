"""Encart « Associée de la SCIC » sur la fiche d'une structure (habitants), par le registre
des encarts (phares/lib/panels.py) : habitants n'importe pas gouvernance."""

from django.utils import timezone

from phares.lib.panels import Panel

from . import selectors
from .roles import peut_lire_gouvernance


def structure_panel(*, structure, user, **_):
    today = timezone.localdate()
    associe = selectors.qualite_de_structure(structure, le=today)
    if associe is None:
        return None
    return Panel(
        "gouvernance/_panel_structure.html",
        {
            "associe": associe,
            "actuel": associe.est_associe_le(today),
            "solde": selectors.solde(associe, le=today),
            # The staff's accounting team reads the structure, not the register.
            "lien": peut_lire_gouvernance(user),
        },
    )
