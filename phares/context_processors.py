from django.conf import settings
from django.utils.functional import SimpleLazyObject

from gouvernance import roles as gouvernance_roles
from habitants.selectors import est_referent, mes_structures
from phares import roles


def navigation(request):
    """Ce que la navigation montre à chacun (le contrôle d'accès, lui, est dans les vues).
    Coquille du projet : ce module lit les apps."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "PHARES_CONTACT": settings.PHARES_CONTACT}

    structures = SimpleLazyObject(lambda: mes_structures(user))
    gouvernance = SimpleLazyObject(lambda: gouvernance_roles.peut_lire(user))
    return {
        "nav": {
            "gestion": roles.is_gestion(user),
            "staff": roles.is_staff_member(user),
            # Read only by pages that show it, once per request.
            "mes_structures": structures,
            # A référent reads the invoices of their structures.
            "referent": SimpleLazyObject(lambda: est_referent(user)),
            # Associates, cogérant·es and gestion read the SCIC's meetings and decisions.
            "gouvernance": gouvernance,
            # The annual report: gestion, the SCIC's cogérant·es and associates, and the
            # habitants (who read the years made public). From what the navigation reads
            # anyway: no query of its own.
            "rapports": SimpleLazyObject(lambda: bool(gouvernance) or bool(structures)),
        },
        "PHARES_CONTACT": settings.PHARES_CONTACT,
    }
