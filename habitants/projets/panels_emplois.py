"""L'encart « Emplois mutualisés et engagements » de la fiche d'une structure (page de
l'équipe, habitants/views.py ; registre phares/lib/panels.py) : les postes où elle a une part
ou qu'elle emploie, et les services civiques, stages et contrats qu'elle accueille."""

from __future__ import annotations

from phares.lib.panels import Panel

from . import selectors
from .models import Engagement
from .roles import is_staff_member


def structure_panel(*, structure, user, **_) -> Panel | None:
    if not is_staff_member(user):
        return None
    emplois = list(selectors.emplois_de_la_structure(structure).order_by("-debut", "pk"))
    # Only what the panel shows of each: not its structure nor its project.
    engagements = list(Engagement.objects.filter(structure=structure).order_by("-debut"))
    if not emplois and not engagements:
        return None
    return Panel(
        "projets/emploi_panel_structure.html",
        {
            "structure": structure,
            "emplois": emplois,
            "engagements": engagements,
        },
    )
