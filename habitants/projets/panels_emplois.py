"""L'encart « Emplois mutualisés et engagements » de la fiche d'une structure (page de
l'équipe, habitants/views.py ; registre phares/lib/panels.py) : les postes où elle a une part
ou qu'elle emploie, et les services civiques, stages et contrats qu'elle accueille."""

from __future__ import annotations

from phares.lib.panels import Panel

from . import selectors
from .roles import is_staff_member


def structure_panel(*, structure, user, **_) -> Panel | None:
    if not is_staff_member(user):
        return None
    emplois = list(selectors.emplois_des_structures([structure.pk]).order_by("-debut", "pk"))
    engagements = list(selectors.engagements_des_structures([structure.pk]).order_by("-debut"))
    if not emplois and not engagements:
        return None
    return Panel(
        "projets/emploi_panel_structure.html",
        {
            "structure": structure,
            "emplois": [
                (e, next((p for p in e.parts.all() if p.structure_id == structure.pk), None))
                for e in emplois
            ],
            "engagements": engagements,
        },
    )
