"""Imports et exports de listes (structures, membres, conventions, tarifs…) : le moteur commun.

Chaque app décrit ses échanges (`Echange` : colonnes, clé naturelle, export, analyse,
application) dans son module `echanges.py` et les inscrit ici dans `AppConfig.ready()` :
les pages `/imports/` (`phares.echanges`) les trouvent sans importer aucune app.

Le parcours : le fichier est lu (`phares.lib.tableurs`), ses en-têtes reconnus, ses lignes
analysées sans rien écrire (ce qui sera créé, modifié, laissé tel quel, et chaque erreur
avec sa ligne et sa colonne) ; l'aperçu est gardé en base (`phares.ImportEnAttente`) ; la
confirmation ré-analyse dans la transaction qui écrit (les données ont pu changer
entre-temps) et n'écrit rien s'il reste une erreur.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.tableurs import ErreurCellule, Tableau
from phares.lib.verrous import verrouiller

CREER, MODIFIER, INCHANGE = "creer", "modifier", "inchange"
LIBELLES_ACTION = {CREER: "à créer", MODIFIER: "à modifier", INCHANGE: "inchangée"}
# What the preview keeps of a big file: every count, the first operations and errors.
APERCU_OPERATIONS_MAX = 500
APERCU_ERREURS_MAX = 1000

Erreur = ErreurCellule


@dataclass(frozen=True)
class Colonne:
    cle: str
    entete: str  # what exports write, and what imports expect first
    obligatoire: bool = False
    aide: str = ""
    alias: tuple[str, ...] = ()


@dataclass
class Operation:
    ligne: int
    action: str
    objet: str
    changements: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Plan:
    """Ce qu'un import ferait : opérations, erreurs, et de quoi l'appliquer (`donnees`,
    propre à chaque échange, jamais gardé en base)."""

    operations: list[Operation] = field(default_factory=list)
    erreurs: list[Erreur] = field(default_factory=list)
    donnees: Any = None

    def compte(self, action: str) -> int:
        return sum(1 for o in self.operations if o.action == action)

    def resume(self) -> dict[str, int]:
        return {a: self.compte(a) for a in (CREER, MODIFIER, INCHANGE)}

    def en_json(self) -> dict:
        """L'aperçu tel que la page le montre (bornée pour un gros fichier)."""
        visibles = [o for o in self.operations if o.action != INCHANGE]
        return {
            "resume": self.resume(),
            "erreurs_total": len(self.erreurs),
            "erreurs": [asdict(e) for e in self.erreurs[:APERCU_ERREURS_MAX]],
            "operations_total": len(visibles),
            "operations": [
                {**asdict(o), "changements": [[k, a, b] for k, (a, b) in o.changements.items()]}
                for o in visibles[:APERCU_OPERATIONS_MAX]
            ],
        }


# A row of the file: its number and its cells by column key (known columns only).
Ligne = tuple[int, dict[str, str]]


class Echange:
    """Une liste qui s'importe et s'exporte. Les sous-classes donnent les attributs et les
    trois méthodes ; `analyser` n'écrit rien, `appliquer` écrit par les services de l'app."""

    type: str = ""
    titre: str = ""
    description: str = ""
    cle_naturelle: str = ""
    liste_url: str = ""
    colonnes: tuple[Colonne, ...] = ()

    def exporter(self) -> Iterable[Sequence]:
        raise NotImplementedError

    def analyser(self, lignes: list[Ligne], colonnes: set[str], *, par: Acteur) -> Plan:
        raise NotImplementedError

    def appliquer(self, plan: Plan, *, par: Acteur) -> None:
        """Écrit par les services de l'app ; leur refus devient EchangeError."""
        raise NotImplementedError

    # --- en-têtes -------------------------------------------------------------------

    @property
    def entetes(self) -> list[str]:
        return [c.entete for c in self.colonnes]

    def colonne(self, cle: str) -> Colonne:
        return next(c for c in self.colonnes if c.cle == cle)

    def reconnaitre(self, tableau: Tableau) -> tuple[list[Ligne], set[str], list[Erreur]]:
        """Les lignes par clé de colonne, les colonnes présentes, les erreurs d'en-tête."""
        noms = {}
        for c in self.colonnes:
            for nom in (c.entete, c.cle, *c.alias):
                noms[normaliser(nom)] = c.cle
        rangs: dict[int, str] = {}
        erreurs = []
        attendues = ", ".join(f"« {c.entete} »" for c in self.colonnes)
        for rang, entete in enumerate(tableau.entetes):
            if not entete:
                continue
            cle = noms.get(normaliser(entete))
            if cle is None:
                erreurs.append(
                    Erreur(1, entete, f"Colonne inconnue. Colonnes attendues : {attendues}.")
                )
            elif cle in rangs.values():
                erreurs.append(Erreur(1, entete, "Cette colonne apparaît deux fois."))
            else:
                rangs[rang] = cle
        presentes = set(rangs.values())
        for c in self.colonnes:
            if c.obligatoire and c.cle not in presentes:
                erreurs.append(
                    Erreur(
                        1,
                        c.entete,
                        f"Colonne obligatoire absente. Colonnes attendues : {attendues}.",
                    )
                )
        lignes = [
            (numero, {cle: (cellules[r] if r < len(cellules) else "") for r, cle in rangs.items()})
            for numero, cellules in tableau.lignes
        ]
        return lignes, presentes, erreurs


def normaliser(entete: str) -> str:
    """« Forme juridique », « forme_juridique », « FORME-JURIDIQUE » : le même en-tête."""
    sans_accents = unicodedata.normalize("NFKD", entete).encode("ascii", "ignore").decode()
    return "".join(ch for ch in sans_accents.lower() if ch.isalnum())


# --- Registre -----------------------------------------------------------------------------

_ECHANGES: dict[str, Echange] = {}


def inscrire(echange: Echange) -> None:
    _ECHANGES[echange.type] = echange


def tous() -> list[Echange]:
    return list(_ECHANGES.values())


def trouver(type_: str) -> Echange | None:
    return _ECHANGES.get(type_)


# --- Parcours -----------------------------------------------------------------------------


def doublons(lignes: list[Ligne]) -> tuple[list[Ligne], list[Erreur]]:
    """Les lignes identiques à une ligne précédente sont signalées (et mises de côté)."""
    vues: dict[tuple, int] = {}
    gardees, erreurs = [], []
    for numero, valeurs in lignes:
        empreinte = tuple(sorted((k, v.casefold()) for k, v in valeurs.items()))
        if empreinte in vues:
            erreurs.append(
                Erreur(numero, "", f"Ligne en double : identique à la ligne {vues[empreinte]}.")
            )
        else:
            vues[empreinte] = numero
            gardees.append((numero, valeurs))
    return gardees, erreurs


def analyser(
    echange: Echange, lignes: list[Ligne], colonnes: set[str], *, par: Acteur, erreurs=()
) -> Plan:
    """Ce que ferait l'import de `lignes`, sans rien écrire."""
    gardees, en_double = doublons(lignes)
    plan = echange.analyser(gardees, colonnes, par=par)
    plan.erreurs = sorted([*erreurs, *en_double, *plan.erreurs], key=lambda e: e.ligne)
    return plan


class ImportRefuse(Exception):
    """L'import ne passe pas (une erreur au moins) : rien n'a été écrit. `plan` dit pourquoi."""

    def __init__(self, plan: Plan):
        super().__init__(f"{len(plan.erreurs)} erreur(s)")
        self.plan = plan


class EchangeError(Exception):
    """Un refus des services au moment d'écrire (une course perdue…) : rien n'est écrit."""


def importer(
    echange: Echange,
    lignes: list[Ligne],
    colonnes: set[str],
    *,
    par: Acteur,
    fichier: str,
    erreurs=(),
) -> Plan:
    """Ré-analyse puis applique, tout ou rien, dans une transaction ; une entrée du journal
    résume l'import (les services de l'app journalisent chaque objet)."""
    par = exiger(par)
    with transaction.atomic():
        # One import of a kind at a time: the analysis reads what the writes depend on.
        verrouiller(f"import:{echange.type}")
        plan = analyser(echange, lignes, colonnes, par=par, erreurs=erreurs)
        if plan.erreurs:
            raise ImportRefuse(plan)
        echange.appliquer(plan, par=par)
        r = plan.resume()
        journal.journaliser(
            par=par,
            operation=f"import.{echange.type}",
            libelle=f"Import {echange.titre.lower()} depuis « {fichier[:100]} » : "
            f"{r[CREER]} créée(s), {r[MODIFIER]} modifiée(s), {r[INCHANGE]} inchangée(s)",
            changements={
                "créées": ("—", str(r[CREER])),
                "modifiées": ("—", str(r[MODIFIER])),
                "inchangées": ("—", str(r[INCHANGE])),
            },
        )
    return plan
