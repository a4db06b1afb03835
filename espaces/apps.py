from django.apps import AppConfig


class EspacesConfig(AppConfig):
    name = "espaces"
    verbose_name = "Espaces"

    def ready(self):
        from phares.lib import echanges, panels

        from . import panels as espaces_panels
        from .echanges import ECHANGES

        panels.register("structure", espaces_panels.structure_panel)
        panels.register("mon_espace", espaces_panels.mon_espace_panel)
        for echange in ECHANGES:
            echanges.inscrire(echange)
