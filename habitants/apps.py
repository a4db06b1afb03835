from django.apps import AppConfig


class HabitantsConfig(AppConfig):
    name = "habitants"
    verbose_name = "Habitants"

    def ready(self):
        from phares.lib import echanges

        from .echanges import ECHANGES

        for echange in ECHANGES:
            echanges.inscrire(echange)

        from phares import roles

        from . import selectors

        roles.inscrire_fait_du_jour("habitant", selectors.fait_habitant)
        roles.inscrire_fait_du_jour("referent", selectors.fait_referent)
