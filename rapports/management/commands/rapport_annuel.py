"""`manage.py rapport_annuel 2015 --output rapport-2015.pdf` : le PDF d'une année, pour les
scripts et le cron. Par défaut le brouillon, rendu des données telles qu'elles sont, avec
les textes et la sélection de l'année (ceux de la page « Rapport annuel », sinon ceux de
l'année précédente) ;
`--published` : la dernière édition publiée, octets figés, identiques à ceux téléchargés."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapports import donnees, rendu, selectors, services


class Command(BaseCommand):
    help = "Écrit le PDF du rapport annuel d'une année (brouillon, ou dernière édition publiée)."

    def add_arguments(self, parser):
        parser.add_argument("annee", type=int, help="L'année du rapport, par exemple 2015.")
        parser.add_argument(
            "--output",
            "-o",
            help="Fichier PDF à écrire (par défaut : rapport-<année>.pdf).",
        )
        parser.add_argument(
            "--published",
            action="store_true",
            help="La dernière édition publiée plutôt qu'un brouillon rendu des données.",
        )

    def handle(self, *args, annee, output, published, **options):
        sortie = Path(output or f"rapport-{annee}.pdf")
        debut = time.perf_counter()
        if published:
            edition = selectors.derniere_edition(annee)
            if edition is None:
                raise CommandError(f"Aucune édition publiée du rapport {annee}.")
            contenu = bytes(edition.pdf)
            quoi = f"édition publiée n° {edition.version}"
        else:
            try:
                redaction = selectors.redaction(annee) or services.nouvelle_redaction(annee)
                rapport = donnees.rassembler(
                    annee, textes=redaction.textes(), **redaction.selection()
                )
            except donnees.AnneeSansDonnees as erreur:
                raise CommandError(
                    f"Pas de rapport pour {annee} : aucune donnée pour cette année."
                ) from erreur
            contenu = rendu.pdf(rapport)
            quoi = "brouillon"
        try:
            sortie.write_bytes(contenu)
        except OSError as erreur:
            raise CommandError(f"Impossible d'écrire {sortie} : {erreur.strerror}.") from erreur
        duree = time.perf_counter() - debut
        self.stdout.write(
            self.style.SUCCESS(
                f"Rapport {annee} ({quoi}) écrit dans {sortie} "
                f"({len(contenu) // 1024} Ko, {duree:.1f} s)."
            )
        )
