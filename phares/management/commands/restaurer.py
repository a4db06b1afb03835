"""`python manage.py restaurer ARCHIVE [--force]` (make restore ARCHIVE=…) : vérifie chaque
empreinte, puis restaure la base et les médias et recompte les lignes
(phares/sauvegardes.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from phares import sauvegardes


class Command(BaseCommand):
    help = (
        "Restaure une archive de `sauvegarder` dans une base vide (createdb, ou fichier SQLite "
        "neuf) et un MEDIA_ROOT vide, sans migrate préalable. Vérifie d'abord chaque empreinte "
        "SHA-256 (une archive abîmée ou modifiée est refusée sans rien écrire), puis compare "
        "les lignes de chaque table au manifeste."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="L'archive phares-….tar à restaurer.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restaurer même dans une base qui a des tables : la base est d'abord vidée "
                "(schéma PostgreSQL effacé et recréé, base SQLite remplacée) et les médias de "
                "même nom écrasés ; les autres fichiers de MEDIA_ROOT restent."
            ),
        )
        parser.add_argument(
            "--verifier-seulement",
            action="store_true",
            help="Seulement vérifier les empreintes de l'archive, sans rien restaurer.",
        )
        parser.add_argument("--database", default="default", help="Alias de la base.")

    def handle(self, *args, archive, force=False, verifier_seulement=False, **options):
        try:
            if verifier_seulement:
                manifeste = sauvegardes.verifier(archive)
                self.stdout.write(
                    f"Archive intacte : {len(manifeste['fichiers'])} fichiers, empreintes "
                    f"SHA-256 conformes ({sauvegardes.MOTEURS[manifeste['moteur']]}, "
                    f"sauvegarde du {manifeste['cree_le']}, "
                    f"{sum(manifeste['tables'].values())} lignes)."
                )
                return
            bilan = sauvegardes.restaurer(archive=archive, alias=options["database"], forcer=force)
        except sauvegardes.SauvegardeError as exc:
            raise CommandError(str(exc)) from exc
        for ligne in bilan.lignes:
            self.stdout.write(ligne)
