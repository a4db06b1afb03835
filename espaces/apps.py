from django.apps import AppConfig


class EspacesConfig(AppConfig):
    name = "espaces"
    verbose_name = "Espaces"

    def ready(self):
        from phares.lib import panels

        from . import panels as espaces_panels

        panels.register("structure", espaces_panels.structure_panel)
        panels.register("mon_espace", espaces_panels.mon_espace_panel)
