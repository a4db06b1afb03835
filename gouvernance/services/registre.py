"""Registre des associés : admettre, modifier, enregistrer une sortie.

Un associé est une structure (habitante ou partenaire, représentée par une personne : un
compte ou un nom), une personne inscrite (la chargée de développement, salariée), ou une
personne nommée sans compte. Une même structure, ou une même personne, n'est associée
qu'une fois à la fois : la vérification donne le message, la contrainte d'exclusion de
PostgreSQL (migration 0005) tranche les courses ; sur SQLite, BEGIN IMMEDIATE sérialise.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from phares.lib import dates, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.verrous import verrouiller

from .. import selectors
from ..models import Associe, MouvementCapital
from . import capital
from ._erreurs import GouvernanceError

VERROU = "gouvernance:registre"
CHAMPS = (
    "structure",
    "personne",
    "nom",
    "representant",
    "representant_nom",
    "categorie",
    "entree",
    "sortie",
    "motif_sortie",
    "precisions_sortie",
    "decision_admission_ref",
)
CHAMPS_MODIFIABLES = (
    "categorie",
    "entree",
    "representant",
    "representant_nom",
    "decision_admission_ref",
)


def _d(date: datetime.date | None) -> str:
    return dates.date_longue(date) if date else ""


def _periode(a: Associe) -> str:
    return f"du {_d(a.entree)} au {_d(a.sortie)}" if a.sortie else f"depuis le {_d(a.entree)}"


def _verifier(associe: Associe) -> None:
    """Les règles d'un associé seul (la base en tient la plupart, ici avec un message)."""
    identites = [
        associe.structure_id is not None,
        associe.personne_id is not None,
        bool(associe.nom),
    ]
    if sum(identites) != 1:
        raise GouvernanceError(
            "Un associé est une structure, une personne inscrite ou une personne nommée "
            "sans compte : choisissez-en un seul."
        )
    if associe.structure_id is not None:
        if associe.structure.archivee:
            raise GouvernanceError(
                f"La structure « {associe.structure} » est archivée : restaurez-la d'abord."
            )
        if associe.representant_id and associe.representant_nom:
            raise GouvernanceError(
                "Le représentant est une personne inscrite ou un nom, pas les deux."
            )
        if not (associe.representant_id or associe.representant_nom):
            raise GouvernanceError(
                f"Indiquez qui représente « {associe.structure} » : une personne inscrite ou "
                "un nom."
            )
    elif associe.representant_id or associe.representant_nom:
        raise GouvernanceError("Seule une structure associée a un·e représentant·e.")
    if associe.sortie is not None and associe.sortie < associe.entree:
        raise GouvernanceError(
            f"La sortie ({_d(associe.sortie)}) ne peut pas précéder l'entrée "
            f"({_d(associe.entree)})."
        )


def _deja_associe(associe: Associe) -> Associe | None:
    """Une autre qualité d'associé de la même structure ou personne sur une période qui
    chevauche celle-ci (bornes incluses)."""
    if associe.structure_id is not None:
        meme = Q(structure_id=associe.structure_id)
    elif associe.personne_id is not None:
        meme = Q(personne_id=associe.personne_id)
    else:
        meme = Q(nom__iexact=associe.nom, structure__isnull=True, personne__isnull=True)
    return (
        Associe.objects.filter(meme)
        .exclude(pk=associe.pk)
        .filter(dates.overlapping(associe.entree, associe.sortie, "entree", "sortie"))
        .select_related("structure", "personne")
        .first()
    )


def _message_deja(autre: Associe) -> str:
    return (
        f"{autre} est déjà associé {_periode(autre)} : on n'est associé qu'une fois à la "
        "fois. Changez les dates, ou enregistrez d'abord la sortie de la qualité en cours."
    )


def _enregistrer(associe: Associe, *, update_fields=None) -> None:
    autre = _deja_associe(associe)
    if autre is not None:
        raise GouvernanceError(_message_deja(autre))
    try:
        with transaction.atomic():
            associe.save(update_fields=update_fields)
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint: another transaction won the race.
        autre = _deja_associe(associe)
        raise GouvernanceError(
            _message_deja(autre) if autre else "Le registre refuse cette saisie."
        ) from exc


def admettre_associe(
    *,
    categorie: str,
    entree: datetime.date,
    par: Acteur,
    structure=None,
    personne=None,
    nom: str = "",
    representant=None,
    representant_nom: str = "",
    decision_admission_ref: str = "",
) -> Associe:
    """Inscrit un associé au registre à partir du jour `entree`."""
    par = exiger(par)
    if categorie not in Associe.Categorie.values:
        raise GouvernanceError("Choisissez la catégorie de l'associé.")
    associe = Associe(
        structure=structure,
        personne=personne,
        nom=" ".join(nom.split()),
        representant=representant,
        representant_nom=" ".join(representant_nom.split()),
        categorie=categorie,
        entree=entree,
        decision_admission_ref=decision_admission_ref.strip(),
    )
    _verifier(associe)
    with transaction.atomic():
        verrouiller(VERROU)
        _enregistrer(associe)
        journal.journaliser(
            par=par,
            operation="associe.admettre",
            libelle=f"Associé admis : {associe} ({associe.get_categorie_display().lower()}) "
            f"le {entree:%d/%m/%Y}",
            objet=associe,
            structure=associe.structure,
            changements=journal.creation(associe, CHAMPS),
        )
    return associe


def modifier_associe(
    *,
    associe: Associe,
    par: Acteur,
    categorie: str,
    entree: datetime.date,
    representant=None,
    representant_nom: str = "",
    decision_admission_ref: str = "",
) -> Associe:
    """Corrige la catégorie, l'entrée, le représentant ou la décision d'admission. Qui est
    associé ne change pas (une autre structure est un autre associé) ; la sortie a sa page."""
    par = exiger(par)
    if categorie not in Associe.Categorie.values:
        raise GouvernanceError("Choisissez la catégorie de l'associé.")
    with transaction.atomic():
        verrouiller(VERROU, capital.VERROU)
        associe = Associe.objects.select_related("structure", "personne", "representant").get(
            pk=associe.pk
        )
        avant = journal.instantane(associe, CHAMPS_MODIFIABLES)
        associe.categorie = categorie
        associe.entree = entree
        associe.representant = representant
        associe.representant_nom = " ".join(representant_nom.split())
        associe.decision_admission_ref = decision_admission_ref.strip()
        _verifier(associe)
        premier = (
            MouvementCapital.objects.filter(
                associe=associe, type=MouvementCapital.Type.SOUSCRIPTION
            )
            .order_by("date")
            .first()
        )
        if premier is not None and premier.date < entree:
            raise GouvernanceError(
                f"{associe} a souscrit des parts le {_d(premier.date)} : son entrée ne peut "
                "pas être postérieure."
            )
        changements = journal.ecarts(avant, journal.instantane(associe, CHAMPS_MODIFIABLES))
        if not changements:
            return associe
        _enregistrer(associe, update_fields=list(CHAMPS_MODIFIABLES))
        journal.journaliser(
            par=par,
            operation="associe.modifier",
            libelle=f"Associé modifié : {associe}",
            objet=associe,
            structure=associe.structure,
            changements=changements,
        )
    return associe


def sortir_associe(
    *,
    associe: Associe,
    sortie: datetime.date,
    motif: str,
    par: Acteur,
    precisions: str = "",
    demander_remboursement: bool = True,
) -> Associe:
    """Enregistre (ou corrige) la sortie : dernier jour où la structure ou la personne est
    associée. Avec `demander_remboursement`, les parts qu'elle détient et qui ne sont pas
    déjà demandées font l'objet d'une demande de retrait, datée de la sortie."""
    par = exiger(par)
    if motif not in Associe.MotifSortie.values:
        raise GouvernanceError("Choisissez le motif de la sortie.")
    with transaction.atomic():
        verrouiller(VERROU, capital.VERROU)
        associe = Associe.objects.select_related("structure", "personne", "representant").get(
            pk=associe.pk
        )
        avant = journal.instantane(associe, ["sortie", "motif_sortie", "precisions_sortie"])
        associe.sortie = sortie
        associe.motif_sortie = motif
        associe.precisions_sortie = " ".join(precisions.split())
        _verifier(associe)
        apres = (
            MouvementCapital.objects.filter(
                associe=associe,
                date__gt=sortie,
                type__in=[MouvementCapital.Type.SOUSCRIPTION, MouvementCapital.Type.LIBERATION],
                contre_passation__isnull=True,
            )
            .order_by("date")
            .first()
        )
        if apres is not None:
            raise GouvernanceError(
                f"{associe} a une {apres.get_type_display().lower()} le {_d(apres.date)}, "
                "après cette sortie : on ne souscrit ni ne libère qu'en étant associé."
            )
        _enregistrer(associe, update_fields=["sortie", "motif_sortie", "precisions_sortie"])
        journal.journaliser(
            par=par,
            operation="associe.sortir",
            libelle=f"Sortie de {associe} le {sortie:%d/%m/%Y} "
            f"({associe.get_motif_sortie_display().lower()})",
            objet=associe,
            structure=associe.structure,
            changements=journal.ecarts(
                avant,
                journal.instantane(associe, ["sortie", "motif_sortie", "precisions_sortie"]),
            ),
        )
        if demander_remboursement:
            today = timezone.localdate()
            detenues = selectors.solde(associe, le=today).parts
            a_demander = detenues - capital.parts_demandees(associe)
            if a_demander > 0:
                capital.creer_demande(
                    associe=associe,
                    date=min(sortie, today),
                    parts=a_demander,
                    par=par,
                    motif=f"Sortie : {associe.get_motif_sortie_display().lower()}",
                )
    return associe
