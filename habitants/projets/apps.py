from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    name = "habitants.projets"
    label = "projets"
    verbose_name = "Vie du pôle"

    def ready(self):
        from phares.lib import panels

        from . import panels as projets_panels
        from . import panels_emplois, panels_financements

        # The dashboard warns the staff of grants ending within 6 and 12 months.
        panels.register("tableau_de_bord", panels_financements.tableau_de_bord)
        # A structure's page (staff) and its « Mon espace » list its collective projects.
        panels.register("structure", projets_panels.structure_panel)
        panels.register("mon_espace", projets_panels.structure_panel)
        # The structure's page lists its mutualised jobs and hosted civic-service volunteers.
        panels.register("structure", panels_emplois.structure_panel)
