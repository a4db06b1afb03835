"""Partenaires et subventions : la gestion les enregistre, chaque écriture au journal.

Règles d'une subvention (vérifiées ici, avant toute écriture ; la base garde les trois
premières par ses contraintes) :

- la période va du début à la fin incluse : la fin ne précède pas le début ;
- aucun montant n'est négatif ;
- le reçu ne dépasse pas l'accordé ;
- « demandée » : rien n'est encore décidé ni versé — pas de montant accordé, rien de reçu,
  pas de date de décision ;
- « refusée » : pas de montant accordé, rien de reçu (une date de décision est bienvenue) ;
- « accordée » et « soldée » : le montant accordé est saisi (il peut dépasser ou non le
  demandé : le financeur décide) ; « soldée » n'exige pas que tout l'accordé soit reçu (un
  solde réduit à la fin d'un projet arrive) ;
- la décision ne précède pas le dépôt de la demande ;
- une nouvelle subvention ne cite pas un partenaire archivé.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from ..models import Partenaire, Subvention
from ._erreurs import ProjetsError

CHAMPS_PARTENAIRE = (
    "nom",
    "sigle",
    "categorie",
    "du_pole",
    "site_web",
    "logo",
    "description",
    "archive",
)
CHAMPS_SUBVENTION = (
    "financeur",
    "projet",
    "intitule",
    "reference",
    "statut",
    "montant_demande",
    "montant_accorde",
    "montant_recu",
    "debut",
    "fin",
    "date_demande",
    "date_decision",
    "notes",
)
STRUCTURES = "habitants partenaires"


class SubventionInvalide(ProjetsError):
    """Une règle d'une subvention n'est pas respectée ; `champ` dit quel champ corriger."""

    def __init__(self, message: str, champ: str | None = None):
        super().__init__(message)
        self.champ = champ


# --- Partenaires ---------------------------------------------------------------------------


def _noms(structures) -> str:
    return ", ".join(sorted(s.nom for s in structures)) or "—"


def enregistrer_partenaire(*, partenaire: Partenaire, structures=None, par: Acteur) -> Partenaire:
    """Crée le partenaire (sans `pk`) ou enregistre ses modifications ; `structures` (les
    habitants avec qui il travaille) remplace la liste actuelle si elle est donnée."""
    par = exiger(par)
    partenaire.nom = " ".join(partenaire.nom.split())
    if not partenaire.nom:
        raise ProjetsError("Le nom du partenaire est obligatoire.")
    creation = partenaire.pk is None
    with transaction.atomic():
        # In Python: SQLite's LOWER() and iexact only fold ASCII (« Île » ≠ « île »).
        autres = Partenaire.objects.exclude(pk=partenaire.pk).values_list("nom", flat=True)
        if partenaire.nom.casefold() in {n.casefold() for n in autres}:
            raise ProjetsError(f"Un partenaire s'appelle déjà « {partenaire.nom} ».")
        if creation:
            avant = {}
        else:
            ancien = Partenaire.objects.select_for_update().get(pk=partenaire.pk)
            avant = {
                **journal.instantane(ancien, CHAMPS_PARTENAIRE),
                STRUCTURES: _noms(ancien.structures.all()),
            }
        try:
            with transaction.atomic():
                partenaire.save()
        except IntegrityError as exc:
            # Two people saving the same name at once: the unique index decides.
            raise ProjetsError(f"Un partenaire s'appelle déjà « {partenaire.nom} ».") from exc
        if structures is not None:
            partenaire.structures.set(structures)
        apres = {
            **journal.instantane(partenaire, CHAMPS_PARTENAIRE),
            STRUCTURES: _noms(partenaire.structures.all()),
        }
        changements = journal.ecarts(avant, apres)
        if creation or changements:
            journal.journaliser(
                par=par,
                operation="partenaire.creer" if creation else "partenaire.modifier",
                libelle=(
                    f"Partenaire ajouté : {partenaire.nom}"
                    if creation
                    else f"Partenaire modifié : {partenaire.nom}"
                ),
                objet=partenaire,
                changements=changements,
            )
    return partenaire


def _basculer_archive(partenaire: Partenaire, archive: bool, par: Acteur) -> Partenaire:
    par = exiger(par)
    with transaction.atomic():
        actuel = Partenaire.objects.select_for_update().get(pk=partenaire.pk)
        if actuel.archive == archive:
            raise ProjetsError(
                "Ce partenaire est déjà archivé." if archive else "Ce partenaire n'est pas archivé."
            )
        actuel.archive = archive
        actuel.save(update_fields=["archive", "modifie_le"])
        journal.journaliser(
            par=par,
            operation="partenaire.archiver" if archive else "partenaire.restaurer",
            libelle=(
                f"Partenaire archivé : {actuel.nom}"
                if archive
                else f"Partenaire restauré : {actuel.nom}"
            ),
            objet=actuel,
            changements={"archivé": ("non", "oui") if archive else ("oui", "non")},
        )
    return actuel


def archiver_partenaire(*, partenaire: Partenaire, par: Acteur) -> Partenaire:
    """Retire le partenaire des listes et des choix ; ses subventions et ses liens restent
    (les rapports des années passées le citent toujours)."""
    return _basculer_archive(partenaire, True, par)


def restaurer_partenaire(*, partenaire: Partenaire, par: Acteur) -> Partenaire:
    return _basculer_archive(partenaire, False, par)


# --- Subventions ---------------------------------------------------------------------------


def verifier_subvention(s: Subvention) -> None:
    """Les règles du module (voir plus haut) ; lève SubventionInvalide à la première faute."""
    if s.fin < s.debut:
        raise SubventionInvalide("La fin de la période ne peut pas précéder son début.", "fin")
    for champ, libelle in (
        ("montant_demande", "Le montant demandé"),
        ("montant_accorde", "Le montant accordé"),
        ("montant_recu", "Le montant reçu"),
    ):
        valeur = getattr(s, champ)
        if valeur is not None and valeur < 0:
            raise SubventionInvalide(f"{libelle} ne peut pas être négatif.", champ)
    if s.statut in (Subvention.Statut.DEMANDEE, Subvention.Statut.REFUSEE):
        _verifier_sans_decision_favorable(s)
    elif s.montant_accorde is None:
        raise SubventionInvalide(
            f"Une subvention {s.get_statut_display().lower()} a un montant accordé : saisissez-le.",
            "montant_accorde",
        )
    elif (s.montant_recu or 0) > s.montant_accorde:
        raise SubventionInvalide(
            "Le montant reçu ne peut pas dépasser le montant accordé.", "montant_recu"
        )
    if s.date_demande and s.date_decision and s.date_decision < s.date_demande:
        raise SubventionInvalide(
            "La décision ne peut pas précéder le dépôt de la demande.", "date_decision"
        )


def _verifier_sans_decision_favorable(s: Subvention) -> None:
    """Demandée ou refusée : rien d'accordé, rien de reçu (et pas encore de décision)."""
    statut = s.get_statut_display().lower()
    if s.montant_accorde is not None:
        raise SubventionInvalide(
            f"Une subvention {statut} n'a pas de montant accordé : videz-le, ou choisissez "
            "l'état « Accordée ».",
            "montant_accorde",
        )
    if s.montant_recu:
        raise SubventionInvalide(
            f"Une subvention {statut} n'a rien versé : le montant reçu doit être 0.",
            "montant_recu",
        )
    if s.statut == Subvention.Statut.DEMANDEE and s.date_decision is not None:
        raise SubventionInvalide(
            "Une demande en attente n'a pas de date de décision : videz-la, ou choisissez "
            "l'état « Accordée » ou « Refusée ».",
            "date_decision",
        )


def _libelle(s: Subvention) -> str:
    return f"{s.financeur.nom} — {s.intitule}"


def enregistrer_subvention(*, subvention: Subvention, par: Acteur) -> Subvention:
    """Crée la subvention (sans `pk`) ou enregistre ses modifications, après les règles du
    module ; `subvention` vient d'un formulaire validé (`form.save(commit=False)`)."""
    par = exiger(par)
    if subvention.montant_recu is None:
        subvention.montant_recu = Decimal(0)
    verifier_subvention(subvention)
    creation = subvention.pk is None
    with transaction.atomic():
        financeur = Partenaire.objects.select_for_update().get(pk=subvention.financeur_id)
        if creation:
            if financeur.archive:
                raise SubventionInvalide(
                    f"« {financeur.nom} » est archivé : restaurez-le avant de lui associer une "
                    "subvention.",
                    "financeur",
                )
            subvention.save()
            journal.journaliser(
                par=par,
                operation="subvention.creer",
                libelle=f"Subvention enregistrée : {_libelle(subvention)}",
                objet=subvention,
                changements=journal.creation(subvention, CHAMPS_SUBVENTION),
            )
            return subvention
        ancienne = Subvention.objects.select_for_update().get(pk=subvention.pk)
        if financeur.archive and ancienne.financeur_id != financeur.pk:
            raise SubventionInvalide(
                f"« {financeur.nom} » est archivé : choisissez un autre financeur.", "financeur"
            )
        changements = journal.ecarts(
            journal.instantane(ancienne, CHAMPS_SUBVENTION),
            journal.instantane(subvention, CHAMPS_SUBVENTION),
        )
        if changements:
            subvention.save()
            journal.journaliser(
                par=par,
                operation="subvention.modifier",
                libelle=f"Subvention modifiée : {_libelle(subvention)}",
                objet=subvention,
                changements=changements,
            )
    return subvention
