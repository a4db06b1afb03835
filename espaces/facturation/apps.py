from django.apps import AppConfig


class FacturationConfig(AppConfig):
    name = "espaces.facturation"
    label = "facturation"
    verbose_name = "Facturation"

    def ready(self):
        from phares.lib import panels

        from . import panels as facturation_panels

        # The outside client's page (espaces) shows its invoices without importing billing.
        panels.register("client_externe", facturation_panels.client_externe_panel)
