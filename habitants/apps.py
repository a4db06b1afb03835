from django.apps import AppConfig


class HabitantsConfig(AppConfig):
    name = "habitants"
    verbose_name = "Habitants"

    def ready(self):
        from phares.lib import echanges

        from .echanges import ECHANGES

        for echange in ECHANGES:
            echanges.inscrire(echange)
