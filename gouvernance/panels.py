"""L'encart de la gouvernance sur le tableau de bord (phares/lib/panels.py) : la prochaine
séance et les actions de suivi en retard, pour qui lit la gouvernance."""

from __future__ import annotations

from django.utils import timezone

from phares.lib.panels import Panel

from . import roles, selectors


def tableau_de_bord(*, user) -> Panel | None:
    if not roles.peut_lire(user):
        return None
    aujourd_hui = timezone.localdate()
    en_retard = selectors.actions_en_retard(le=aujourd_hui).order_by("echeance", "pk")
    return Panel(
        "gouvernance/_panel_tableau_de_bord.html",
        {
            "prochaine": selectors.prochaine_seance(),
            "en_retard": list(en_retard[:8]),
            "nb_en_retard": en_retard.count(),
            "peut_rediger": roles.peut_rediger(user),
        },
    )
