"""`python manage.py demo [--force]` : charge les données de démonstration tirées
du rapport annuel 2015 de La Cité PHARES (voir `<app>/demo.py`)."""

from __future__ import annotations

import datetime
import importlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction

from gouvernance.models import Associe, Mandat
from habitants import selectors as habitants_selectors
from habitants.models import Structure
from phares.lib.demo import DemoContext

# Dependency order: each loader may read what the previous ones put in the context.
LOADERS = [
    "habitants.demo",
    "gouvernance.demo",
    "espaces.demo",
    "habitants.projets.demo",
    "espaces.facturation.demo",
    "rapports.demo",
]


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration du rapport annuel 2015 (20 structures, "
        "chiffres 2015, associés et cogérants de la SCIC, comptes de démonstration). "
        "Peut être relancée sans créer de doublons."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger même si la base contient déjà des données réelles.",
        )

    def handle(self, *args, force=False, verbosity=1, **options):
        modules = [importlib.import_module(name) for name in LOADERS]
        ctx = DemoContext(stdout=self.stdout, verbosity=verbosity)
        try:
            with transaction.atomic():
                if not force:
                    self._refuse_real_data(modules)
                for module in modules:
                    module.load(ctx)
        except (IntegrityError, ValidationError) as exc:
            raise CommandError(
                "Chargement annulé, rien n'a été modifié : la base refuse une donnée de "
                f"démonstration, souvent en conflit avec une donnée existante ({exc})."
            ) from exc
        _statistiques_a_jour()
        if verbosity >= 1:
            self._print_summary(ctx)

    def _refuse_real_data(self, modules) -> None:
        emails = {e.lower() for m in modules for e in getattr(m, "DEMO_EMAILS", ())}
        slugs = {s for m in modules for s in getattr(m, "DEMO_SLUGS", ())}
        users = get_user_model().objects.exclude(email__in=emails)
        structures = Structure.objects.exclude(slug__in=slugs)
        if users.exists() or structures.exists():
            exemples = [u.email for u in users[:3]] + [s.nom for s in structures[:3]]
            raise CommandError(
                "Cette base contient déjà des données réelles "
                f"({users.count()} compte(s) et {structures.count()} structure(s) hors "
                f"démonstration, par exemple : {', '.join(exemples)}). "
                "Les données de démonstration ne sont chargées que dans une base vide ou "
                "déjà de démonstration. Pour les charger quand même (elles s'ajoutent aux "
                "données existantes et remettent à zéro les comptes de démonstration), "
                "relancez avec --force : python manage.py demo --force"
            )

    def _print_summary(self, ctx: DemoContext) -> None:
        mid_2015 = datetime.date(2015, 6, 30)
        totaux = habitants_selectors.totaux_annuels(annee=2015)
        write = self.stdout.write
        write(self.style.SUCCESS("Données de démonstration chargées (rapport annuel 2015)."))
        write(
            f"  {ctx.stats['created']} ligne(s) créée(s), {ctx.stats['updated']} modifiée(s), "
            f"{ctx.stats['unchanged']} déjà à jour."
        )
        write(
            f"  {Structure.objects.count()} structures, dont "
            f"{Structure.objects.presentes(mid_2015).count()} habitants au 30 juin 2015 ; "
            f"{get_user_model().objects.count()} comptes."
        )
        write(
            f"  Chiffres 2015 : {totaux['emplois_permanents']} emplois permanents, "
            f"{totaux['salaries_insertion']} salariés en insertion, "
            f"{totaux['services_civiques']} services civiques, {totaux['benevoles']} bénévoles."
        )
        write(
            f"  SCIC : {Associe.objects.filter(sortie__isnull=True).count()} associés, "
            f"{Mandat.objects.filter(fin__isnull=True).count()} cogérants."
        )
        write("")
        write(self.style.MIGRATE_HEADING("Comptes de démonstration :"))
        rows = [
            (login.email, " ; ".join(login.roles), ctx.password) for login in ctx.logins.values()
        ]
        headers = ("e-mail", "rôle", "mot de passe")
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(3)]
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            write(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        others = len(ctx.users) - len(ctx.logins)
        if others:
            write(
                f"  (et {others} autres référent·es, referent.<structure>@phares.test, "
                "même mot de passe)"
            )


def _statistiques_a_jour() -> None:
    """PostgreSQL planifie sur ses statistiques des tables, que l'autovacuum ne refait qu'au
    bout d'une minute ou plus : juste après un chargement, il croit vides des tables qui ont
    des centaines de lignes, et le tableau de bord de la gestion lisait alors chaque paiement
    pour chaque facture (20 ms au lieu de 1). On les refait tout de suite, table par table
    (les nôtres : le rôle de l'application n'a pas à analyser le catalogue)."""
    if connection.vendor != "postgresql":
        return
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as c:
        c.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in sorted(tables)))
