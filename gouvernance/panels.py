"""Les encarts de la gouvernance (phares/lib/panels.py) : sur le tableau de bord, la
prochaine séance et les actions de suivi en retard, pour qui lit la gouvernance ; sur la fiche
d'une structure, « Associée de la SCIC » (habitants n'importe pas gouvernance)."""

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
            "lien": roles.peut_lire(user),
        },
    )
