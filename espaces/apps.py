from django.apps import AppConfig


class EspacesConfig(AppConfig):
    name = "espaces"
    verbose_name = "Espaces"
