"""Données de démonstration de la SCIC La Cité PHARES (rapport annuel 2015) : associés et
leurs représentant·es, capital 2014–2015, mandats des cogérants, postes dédiés au pôle.
Chargées après habitants.demo, dont elles reprennent les structures et les personnes (voir
phares/management/commands/demo.py).

Le rapport ne donne ni les parts ni les dates : tout est inventé mais plausible, sauf ce
qu'il dit — 11 structures habitantes et la chargée de développement associées, quatre
cogérants, 2,5 ETP dédiés en 2015 (vérifié avant tout chargement).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.management.base import CommandError

from . import demo_seances, reglages, selectors
from .models import Associe, Decision, Mandat, MouvementCapital, PosteDedie
from .services import capital

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

d = datetime.date
# The report says the SCIC was set up in 2014 and consolidated in 2015.
CREATION_SCIC = d(2014, 6, 1)
STATUTS = "Statuts du 1er juin 2014"
# Role labels in the login table are computed as of the end of the report year.
FIN_ANNEE = d(2015, 12, 31)
# The demo's shares are worth 100 € (the default of the settings).
VALEUR_PART = Decimal("100.00")

# "Sont associés de cette coopérative les habitants du PHARES volontaires" (the
# underlined names in the report, lost in the text extraction: this set is a guess), each
# represented by a person of the structure; two joined in 2015 by a cogérance decision.
# slug: (representative's e-mail, entry, admission decision)
STRUCTURES_ASSOCIEES = {
    "halage": ("referent.halage@phares.test", CREATION_SCIC, STATUTS),
    "etudes-et-chantiers-idf": ("cogerant@phares.test", CREATION_SCIC, STATUTS),
    "chantier-ecole-idf": ("cogerant.chantierecole@phares.test", CREATION_SCIC, STATUTS),
    "mode-estime": ("referent.modeestime@phares.test", CREATION_SCIC, STATUTS),
    "la-firme-93": ("referent.lafirme93@phares.test", CREATION_SCIC, STATUTS),
    "sfmad": ("cogerant.sfmad@phares.test", CREATION_SCIC, STATUTS),
    "metropop": ("referent.metropop@phares.test", d(2015, 3, 1), ""),
    "solibio": ("cogerant.solibio@phares.test", CREATION_SCIC, STATUTS),
    "la-boite-militante": ("referent.laboitemilitante@phares.test", d(2015, 7, 1), ""),
    "terragram": ("referent.terragram@phares.test", CREATION_SCIC, STATUTS),
    "fabien-kenzo-sato": ("referent.fabienkenzosato@phares.test", CREATION_SCIC, STATUTS),
}

# "… ainsi que la chargée de développement du PHARES en tant que salariée du projet."
PERSONNES_ASSOCIEES = {"gestion@phares.test": Associe.Categorie.SALARIES}

# Capital: (associate: slug or e-mail, date, parts subscribed, paid at subscription,
# reference). Then later payments: (associate, date, amount, reference).
SOUSCRIPTIONS = (
    ("halage", CREATION_SCIC, 10, Decimal(1000), "Bulletin 2014-01"),
    ("etudes-et-chantiers-idf", CREATION_SCIC, 10, Decimal(1000), "Bulletin 2014-02"),
    ("chantier-ecole-idf", CREATION_SCIC, 5, Decimal(500), "Bulletin 2014-03"),
    ("mode-estime", CREATION_SCIC, 5, Decimal(500), "Bulletin 2014-04"),
    # The partial one: 200 € at subscription, 100 € in March 2015, 200 € still due.
    ("la-firme-93", CREATION_SCIC, 5, Decimal(200), "Bulletin 2014-05"),
    ("sfmad", CREATION_SCIC, 5, Decimal(500), "Bulletin 2014-06"),
    ("solibio", CREATION_SCIC, 5, Decimal(500), "Bulletin 2014-07"),
    ("terragram", CREATION_SCIC, 2, Decimal(200), "Bulletin 2014-08"),
    ("fabien-kenzo-sato", CREATION_SCIC, 1, Decimal(100), "Bulletin 2014-09"),
    ("gestion@phares.test", CREATION_SCIC, 1, Decimal(100), "Bulletin 2014-10"),
    ("metropop", d(2015, 3, 1), 3, Decimal(0), "Bulletin 2015-01"),
    ("la-boite-militante", d(2015, 7, 1), 2, Decimal(200), "Bulletin 2015-02"),
    ("halage", d(2015, 11, 15), 5, Decimal(0), "Bulletin 2015-03"),
)
LIBERATIONS = (
    ("la-firme-93", d(2015, 3, 15), Decimal(100), "Chèque 0004512"),
    ("metropop", d(2015, 3, 20), Decimal(300), "Virement du 20/03/2015"),
    ("halage", d(2015, 12, 10), Decimal(500), "Virement du 10/12/2015"),
)
# What the ledger must add up to (checked after loading).
CAPITAL_FIN_2014 = (49, Decimal(4900), Decimal(4600))
CAPITAL_FIN_2015 = (59, Decimal(5900), Decimal(5700))

# "Quatre cogérants en assurent le pilotage au quotidien."
COGERANTS = (
    "cogerant@phares.test",
    "cogerant.solibio@phares.test",
    "cogerant.sfmad@phares.test",
    "cogerant.chantierecole@phares.test",
)
DESIGNATION_COGERANTS = "AG constitutive du 1er juin 2014"

# "En interne pour le PHARES ont été mobilisés en 2015 : 1 chargée de développement, 2
# assistants techniques, 1 poste support en comptabilité à temps partiel, 1 poste support
# d'assistant RH, 1 poste d'accueil à temps partiel" — "2.5 équivalent temps plein".
# intitulé: (fonction, person's e-mail or "", label, ETP, notes)
EMPLOYEUR = "SCIC La Cité PHARES"
POSTES = {
    "Chargée de développement": (
        PosteDedie.Fonction.DEVELOPPEMENT, "gestion@phares.test", "", Decimal("1.00"),
        "Portage du projet global, animation du pôle, coordination des projets.",
    ),
    "Assistant technique (ouverture, salles)": (
        PosteDedie.Fonction.TECHNIQUE, "", "Assistant technique 1", Decimal("0.50"),
        "Ouverture et fermeture du bâtiment, préparation des salles.",
    ),
    "Assistant technique (entretien, réparations)": (
        PosteDedie.Fonction.TECHNIQUE, "", "Assistant technique 2", Decimal("0.50"),
        "Ménage, petites réparations.",
    ),
    "Support comptable": (
        PosteDedie.Fonction.COMPTABILITE, "compta@phares.test", "", Decimal("0.20"),
        "Temps partiel depuis le démarrage : modèle financier, suivi de la comptabilité.",
    ),
    "Assistant·e ressources humaines": (
        PosteDedie.Fonction.RH, "", "Support RH mutualisé", Decimal("0.10"),
        "Suivi contractuel et administratif des salariés dédiés au projet.",
    ),
    "Accueil": (
        PosteDedie.Fonction.ACCUEIL, "", "Poste d'accueil mutualisé", Decimal("0.20"),
        "Orientation physique, affranchissement, réception des colis.",
    ),
}  # fmt: skip
ETP_2015 = Decimal("2.5")


def load(ctx: DemoContext) -> None:
    _check(ctx)
    associes = _load_associes(ctx)
    _load_capital(ctx, associes)
    for email in COGERANTS:
        ctx.upsert(
            Mandat,
            {"personne": ctx.users[email], "fonction": Mandat.Fonction.COGERANT},
            {"debut": CREATION_SCIC, "designe_par": DESIGNATION_COGERANTS},
            a_la_creation={"fin": None},
        )
    for intitule, (fonction, email, nom, etp, notes) in POSTES.items():
        ctx.upsert(
            PosteDedie,
            {"intitule": intitule},
            {
                "fonction": fonction,
                "personne": ctx.users[email] if email else None,
                "personne_nom": nom,
                "employeur": EMPLOYEUR,
                "etp": etp,
                "debut": CREATION_SCIC,
                "notes": notes,
            },
            a_la_creation={"fin": None},
        )
    _verifier_totaux()
    _label_logins(ctx)
    # The SCIC's 2015 meetings, decisions and minutes (after its associates and cogérants).
    demo_seances.load(ctx)
    _lier_admissions(ctx, associes)
    ctx.log(
        f"gouvernance : {len(STRUCTURES_ASSOCIEES) + len(PERSONNES_ASSOCIEES)} associés, "
        f"{len(SOUSCRIPTIONS)} souscriptions, {len(COGERANTS)} cogérants, "
        f"{selectors.etp_dedies(annee=2015)} ETP dédiés en 2015."
    )


def _load_associes(ctx: DemoContext) -> dict[str, Associe]:
    associes = {}
    for slug, (representant, entree, decision) in STRUCTURES_ASSOCIEES.items():
        associes[slug] = ctx.upsert(
            Associe,
            {"structure": ctx.structures[slug], "personne": None},
            {
                "categorie": Associe.Categorie.BENEFICIAIRES,
                "entree": entree,
                "representant": ctx.users[representant],
                "representant_nom": "",
                # A 2015 admission cites its cogérance decision once its minutes are approved
                # (_lier_admissions): a rerun leaves that reference alone.
                **({"decision_admission_ref": decision} if decision else {}),
            },
            a_la_creation={"sortie": None},
        )
    for email, categorie in PERSONNES_ASSOCIEES.items():
        associes[email] = ctx.upsert(
            Associe,
            {"structure": None, "personne": ctx.users[email]},
            {"categorie": categorie, "entree": CREATION_SCIC, "decision_admission_ref": STATUTS},
            a_la_creation={"sortie": None},
        )
    return associes


def _lier_admissions(ctx: DemoContext, associes: dict[str, Associe]) -> None:
    """The two 2015 admissions cite the cogérance decision that admitted them, by the
    reference it received when its minutes were approved."""
    for slug, titre in demo_seances.ADMISSIONS.items():
        reference = (
            Decision.objects.filter(titre=titre, reference__isnull=False)
            .values_list("reference", flat=True)
            .first()
        )
        if reference is None:
            raise CommandError(f"Démo : la décision « {titre} » n'a pas de référence.")
        Associe.objects.filter(pk=associes[slug].pk).update(decision_admission_ref=reference)


def _load_capital(ctx: DemoContext, associes: dict[str, Associe]) -> None:
    """Par les services (verrou, règles, journal), une fois : un mouvement déjà au grand
    livre (même associé, type, date et référence) n'est pas réécrit."""

    def deja(associe, type_, date, reference) -> bool:
        present = MouvementCapital.objects.filter(
            associe=associe, type=type_, date=date, reference=reference
        ).exists()
        ctx.stats["unchanged" if present else "created"] += 1
        return present

    for cle, date, parts, verse, reference in SOUSCRIPTIONS:
        associe = associes[cle]
        if not deja(associe, MouvementCapital.Type.SOUSCRIPTION, date, reference):
            capital.souscrire(
                associe=associe,
                date=date,
                parts=parts,
                libere=verse,
                reference=reference,
                par=ctx.acteur,
            )
    for cle, date, montant, reference in LIBERATIONS:
        associe = associes[cle]
        if not deja(associe, MouvementCapital.Type.LIBERATION, date, reference):
            capital.liberer(
                associe=associe, date=date, montant=montant, reference=reference, par=ctx.acteur
            )


def _check(ctx: DemoContext) -> None:
    errors = []
    if len(COGERANTS) != 4:
        errors.append(f"{len(COGERANTS)} cogérants, le rapport en compte quatre")
    if reglages.valeur_nominale() != VALEUR_PART:
        errors.append(
            f"la démo suppose des parts de {VALEUR_PART} €, les réglages disent "
            f"{reglages.valeur_nominale()} € (PHARES_VALEUR_NOMINALE_PART)"
        )
    for slug, (_representant, entree, _decision) in STRUCTURES_ASSOCIEES.items():
        structure = ctx.structures[slug]
        # Only hosted structures are the SCIC's "bénéficiaires".
        if not structure.est_presente(entree):
            errors.append(f"{structure} n'était pas hébergée à son entrée dans la SCIC")
    etp_2015 = sum((p[3] for p in POSTES.values()), Decimal(0))
    if etp_2015 != ETP_2015:
        errors.append(f"les postes dédiés font {etp_2015} ETP, le rapport en compte {ETP_2015}")
    if errors:
        raise CommandError("Données de démonstration incohérentes : " + " ; ".join(errors) + ".")


def _verifier_totaux() -> None:
    for le, attendu in ((d(2014, 12, 31), CAPITAL_FIN_2014), (FIN_ANNEE, CAPITAL_FIN_2015)):
        total = selectors.capital(le=le).total
        if (total.parts, total.souscrit, total.libere) != attendu:
            raise CommandError(
                f"Données de démonstration incohérentes : capital au {le:%d/%m/%Y} de "
                f"{total.parts} parts, {total.souscrit} € souscrits, {total.libere} € libérés ; "
                f"attendu {attendu[0]} parts, {attendu[1]} €, {attendu[2]} €."
            )


def _label_logins(ctx: DemoContext) -> None:
    for email in ctx.logins:
        user = ctx.users[email]
        if selectors.est_cogerant(user, le=FIN_ANNEE):
            ctx.add_role(email, "cogérant·e")
        elif selectors.est_associe(user, le=FIN_ANNEE):
            ctx.add_role(email, "associé·e")
