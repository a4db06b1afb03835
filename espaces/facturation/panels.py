"""Encarts de la facturation sur les pages d'espaces (voir phares/lib/panels.py) : espaces
est en dessous de la facturation et ne l'importe pas ; sa fiche d'un client extérieur montre
pourtant ses factures, que la facturation lui donne ici."""

from django.utils import timezone

from phares.lib.panels import Panel
from phares.roles import is_staff_member

from . import selectors


def client_externe_panel(*, client, user, **_):
    """Les factures d'une organisation extérieure : l'équipe seulement (la fiche l'est
    aussi ; ceci protège un autre appelant)."""
    if not is_staff_member(user):
        return None
    return Panel(
        "facturation/_panel_client_externe.html",
        {
            "client": client,
            "factures": selectors.factures_du_client_externe(client, timezone.localdate()),
        },
    )
