"""L'encart des subventions sur le tableau de bord (phares/lib/panels.py) : pour la gestion
et la comptabilité, les subventions accordées qui se terminent dans les 6 prochains mois,
puis entre 6 et 12 mois — le temps de les renouveler ou de les remplacer."""

from __future__ import annotations

import datetime

from django.utils import timezone

from phares.lib.panels import Panel

from . import roles, selectors


def tableau_de_bord(*, user, le: datetime.date | None = None) -> Panel | None:
    if not roles.is_staff_member(user):
        return None
    le = le or timezone.localdate()
    dans_6_mois = selectors.plus_mois(le, 6)
    # The card shows these columns, not the grant's whole file.
    douze = list(
        selectors.subventions_se_terminant(le, 12)
        .select_related(None)
        .select_related("financeur")
        .only("intitule", "fin", "montant_accorde", "financeur__nom")
    )
    return Panel(
        "projets/_panel_financements.html",
        {
            "le": le,
            "six_mois": [s for s in douze if s.fin <= dans_6_mois],
            "douze_mois": [s for s in douze if s.fin > dans_6_mois],
            "dans_6_mois": dans_6_mois,
            "dans_12_mois": selectors.plus_mois(le, 12),
        },
    )
