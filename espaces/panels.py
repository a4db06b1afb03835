"""Encarts « espaces » sur les pages de habitants (voir phares/lib/panels.py)."""

from django.utils import timezone

from phares.lib.panels import Panel
from phares.roles import is_gestion

from . import selectors
from .models import Reservation


def _espaces_et_reservations(structure, forfaits=None) -> dict:
    """Ce que les deux encarts montrent : bureaux ou postes du jour, heures de salle du mois
    (utilisées, restantes), prochaines réservations."""
    return {
        "structure": structure,
        "forfait_du_mois": selectors.forfait_du_mois(
            structure, timezone.localdate(), forfaits=forfaits
        ),
        "conventions": list(selectors.espaces_de(structure, le=timezone.localdate())),
        "reservations": list(
            Reservation.objects.actives()
            .pas_finies(timezone.now())
            .filter(structure=structure)
            .select_related("ressource")
            .order_by("debut")[:10]
        ),
    }


def structure_panel(*, structure, user, **_):
    # The latest package and the one of today, from one read of the structure's packages.
    forfaits = selectors.forfaits_de(structure)
    return Panel(
        "espaces/_panel_structure.html",
        {
            **_espaces_et_reservations(structure, forfaits),
            "forfait": forfaits[0] if forfaits else None,
            "peut_modifier": is_gestion(user),
        },
    )


def mon_espace_panel(*, structure, user, **_):
    return Panel("espaces/_panel_mon_espace.html", _espaces_et_reservations(structure))
