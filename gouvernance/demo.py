"""Données de démonstration de la SCIC La Cité PHARES (rapport annuel 2015) :
associés et cogérants. Chargées après habitants.demo, dont elles reprennent
les structures et les personnes (voir phares/management/commands/demo.py)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.management.base import CommandError

from . import demo_seances, selectors
from .models import Associe, Mandat

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

# The report says the SCIC was set up in 2014 and consolidated in 2015.
CREATION_SCIC = datetime.date(2014, 6, 1)
# Role labels in the login table are computed as of the end of the report year.
FIN_ANNEE = datetime.date(2015, 12, 31)

# "Sont associés de cette coopérative les habitants du PHARES volontaires" (the
# underlined names in the report, lost in the text extraction: this set is a guess).
STRUCTURES_ASSOCIEES = (
    "halage",
    "etudes-et-chantiers-idf",
    "chantier-ecole-idf",
    "mode-estime",
    "la-firme-93",
    "sfmad",
    "metropop",
    "solibio",
    "la-boite-militante",
    "terragram",
    "fabien-kenzo-sato",
)

# "… ainsi que la chargée de développement du PHARES en tant que salariée du projet."
PERSONNES_ASSOCIEES = {"gestion@phares.test": Associe.Categorie.SALARIES}

# "Quatre cogérants en assurent le pilotage au quotidien."
COGERANTS = (
    "cogerant@phares.test",
    "cogerant.solibio@phares.test",
    "cogerant.sfmad@phares.test",
    "cogerant.chantierecole@phares.test",
)


def load(ctx: DemoContext) -> None:
    _check(ctx)
    for slug in STRUCTURES_ASSOCIEES:
        ctx.upsert(
            Associe,
            {"structure": ctx.structures[slug], "personne": None},
            {"categorie": Associe.Categorie.BENEFICIAIRES, "entree": CREATION_SCIC, "sortie": None},
        )
    for email, categorie in PERSONNES_ASSOCIEES.items():
        ctx.upsert(
            Associe,
            {"structure": None, "personne": ctx.users[email]},
            {"categorie": categorie, "entree": CREATION_SCIC, "sortie": None},
        )
    for email in COGERANTS:
        ctx.upsert(
            Mandat,
            {"personne": ctx.users[email], "fonction": Mandat.Fonction.COGERANT},
            {"debut": CREATION_SCIC, "fin": None},
        )
    _label_logins(ctx)
    # The SCIC's 2015 meetings, decisions and minutes (after its associates and cogérants).
    demo_seances.load(ctx)
    ctx.log(
        f"gouvernance : {len(STRUCTURES_ASSOCIEES) + len(PERSONNES_ASSOCIEES)} associés, "
        f"{len(COGERANTS)} cogérants."
    )


def _check(ctx: DemoContext) -> None:
    errors = []
    if len(COGERANTS) != 4:
        errors.append(f"{len(COGERANTS)} cogérants, le rapport en compte quatre")
    for slug in STRUCTURES_ASSOCIEES:
        structure = ctx.structures[slug]
        # Only hosted structures are the SCIC's "bénéficiaires".
        if not structure.est_presente(CREATION_SCIC):
            errors.append(f"{structure} n'était pas hébergée à la création de la SCIC")
    if errors:
        raise CommandError("Données de démonstration incohérentes : " + " ; ".join(errors) + ".")


def _label_logins(ctx: DemoContext) -> None:
    for email in ctx.logins:
        user = ctx.users[email]
        if selectors.est_cogerant(user, le=FIN_ANNEE):
            ctx.add_role(email, "cogérant·e")
        elif selectors.est_associe(user, le=FIN_ANNEE):
            ctx.add_role(email, "associé·e")
