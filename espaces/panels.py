"""Encarts « espaces » sur les pages de habitants (voir phares/lib/panels.py)."""

from django.utils import timezone

from phares.lib.panels import Panel
from phares.roles import is_gestion

from . import selectors
from .models import ForfaitSalles, Reservation


def _a_venir(structure, limit=10):
    return list(
        Reservation.objects.bloquantes()
        .filter(structure=structure, fin__gt=timezone.now())
        .select_related("ressource")
        .order_by("debut")[:limit]
    )


def structure_panel(*, structure, user, **_):
    today = timezone.localdate()
    return Panel(
        "espaces/_panel_structure.html",
        {
            "conventions": list(selectors.espaces_de(structure, le=today)),
            "reservations": _a_venir(structure),
            "forfait": ForfaitSalles.objects.filter(structure=structure).order_by("-debut").first(),
            "peut_modifier": is_gestion(user),
            "structure": structure,
        },
    )


def mon_espace_panel(*, structure, user, **_):
    today = timezone.localdate()
    return Panel(
        "espaces/_panel_mon_espace.html",
        {
            "conventions": list(selectors.espaces_de(structure, le=today)),
            "reservations": _a_venir(structure),
            "structure": structure,
        },
    )
