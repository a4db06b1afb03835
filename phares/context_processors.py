from django.conf import settings
from django.utils.functional import SimpleLazyObject

from phares import roles


def navigation(request):
    """Ce que la navigation montre à chacun (le contrôle d'accès, lui, est dans les vues)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "PHARES_CONTACT": settings.PHARES_CONTACT}

    from habitants.selectors import structures_of_member

    return {
        "nav": {
            "gestion": roles.is_gestion(user),
            "staff": roles.is_staff_member(user),
            # Read only by pages that show it, once per request.
            "mes_structures": SimpleLazyObject(lambda: list(structures_of_member(user))),
        },
        "PHARES_CONTACT": settings.PHARES_CONTACT,
    }
