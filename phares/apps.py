from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PharesConfig(AppConfig):
    name = "phares"
    verbose_name = "PHARES"

    def ready(self):
        from phares.lib import recherche

        # SQLite has no unaccenting function: the search's normalisation, in Python, on
        # every connection (PostgreSQL uses TRANSLATE, see phares.lib.recherche).
        connection_created.connect(recherche.installer_sqlite, dispatch_uid="phares-recherche")
