"""`python manage.py sauvegarder [--dossier D] [--garder N]` (make backup) : une archive tar
avec la base, les médias et un manifeste de contrôle (phares/sauvegardes.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from phares import sauvegardes


class Command(BaseCommand):
    help = (
        "Écrit une archive phares-AAAAMMJJ-HHMMSS.tar : copie cohérente de la base "
        "(pg_dump ou API de sauvegarde SQLite), fichiers de MEDIA_ROOT et manifeste "
        "(SHA-256 de chaque fichier, lignes de chaque table, migrations, moteur, commit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossier",
            type=Path,
            default=None,
            help="Dossier des archives (défaut : SAUVEGARDES_DIR, var/sauvegardes).",
        )
        parser.add_argument(
            "--garder",
            type=int,
            default=None,
            help="Après la sauvegarde, ne garder que les N archives les plus récentes du dossier.",
        )
        parser.add_argument("--database", default="default", help="Alias de la base.")

    def handle(self, *args, dossier=None, garder=None, database="default", **options):
        try:
            bilan = sauvegardes.sauvegarder(
                dossier=dossier or settings.SAUVEGARDES_DIR, alias=database, garder=garder
            )
        except sauvegardes.SauvegardeError as exc:
            raise CommandError(str(exc)) from exc
        for ligne in bilan.lignes:
            self.stdout.write(ligne)
