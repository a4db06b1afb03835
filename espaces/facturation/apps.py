from django.apps import AppConfig


class FacturationConfig(AppConfig):
    name = "espaces.facturation"
    label = "facturation"
    verbose_name = "Facturation"
