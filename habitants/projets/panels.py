"""Les encarts de la vie du pôle sur les pages de habitants (phares/lib/panels.py) : la fiche
d'une structure et « Mon espace » listent les projets collectifs auxquels elle participe."""

from __future__ import annotations

from phares.lib.panels import Panel

from . import roles, selectors


def structure_panel(*, structure, user, **_) -> Panel:
    return Panel(
        "projets/_panel_structure.html",
        {
            "structure": structure,
            "projets": list(selectors.projets_de_la_structure(structure)),
            "peut_creer": roles.peut_creer_projet(user),
        },
    )
