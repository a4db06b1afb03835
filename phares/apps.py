from django.apps import AppConfig


class PharesConfig(AppConfig):
    name = "phares"
    verbose_name = "PHARES"
