from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self):
        from phares import roles
        from phares.lib import panels

        from . import panels as gouvernance_panels
        from . import selectors

        # habitants marks and filters associates without importing gouvernance.
        panels.register_qualite(
            panels.Qualite(
                code="associe",
                libelle="Associée de la SCIC",
                structures=lambda le: selectors.structures_associees_ids(le=le),
                # The same reading as the panel of its page, below.
                de_la_structure=gouvernance_panels.est_associee,
            )
        )
        # The request's user is read with these two roles (phares.roles.avec_roles).
        roles.inscrire_fait_du_jour("cogerant", selectors.fait_cogerant)
        roles.inscrire_fait_du_jour("associe", selectors.fait_associe)
        # The dashboard shows the next meeting and overdue actions (phares/views.py).
        panels.register("tableau_de_bord", gouvernance_panels.tableau_de_bord)
        # The structure's page says since when, represented by whom, with how many shares.
        panels.register("structure", gouvernance_panels.structure_panel)
