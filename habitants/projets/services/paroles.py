"""Paroles d'habitants : la gestion les recueille et choisit celles du rapport annuel.

Une parole anonyme ne nomme ni personne ni structure : rien n'est gardé qui pourrait
s'afficher par erreur (le formulaire le dit, le service le refuse) ; une parole signée nomme
une personne, une structure, ou les deux.
"""

from __future__ import annotations

from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from .. import roles
from ..models import Parole
from ._erreurs import ProjetsError

CHAMPS = ("texte", "auteur", "structure", "anonyme", "annee", "axe", "dans_le_rapport", "rang")
ANNEE_MIN, ANNEE_MAX = 1900, 2999
ANONYME_NOMME = (
    "Une parole anonyme ne nomme ni personne ni structure : videz ces champs, "
    "ou décochez « anonyme »."
)
SIGNEE_SANS_NOM = (
    "Une parole signée nomme une personne ou une structure (sinon, cochez « anonyme »)."
)


def _exiger_gestion(par: Acteur) -> None:
    if not (par.est_systeme or roles.is_gestion(par.user)):
        raise ProjetsError("Seule la gestion tient les paroles d'habitants.")


def _verifier(parole: Parole) -> None:
    parole.texte = parole.texte.strip()
    parole.auteur = parole.auteur.strip()
    if not parole.texte:
        raise ProjetsError("La citation est vide.")
    if parole.anonyme and (parole.auteur or parole.structure_id):
        raise ProjetsError(ANONYME_NOMME)
    if not parole.anonyme and not (parole.auteur or parole.structure_id):
        raise ProjetsError(SIGNEE_SANS_NOM)
    if not ANNEE_MIN <= parole.annee <= ANNEE_MAX:
        raise ProjetsError(f"L'année va de {ANNEE_MIN} à {ANNEE_MAX}.")


def _libelle(parole: Parole) -> str:
    texte = " ".join(parole.texte.split())
    return f"« {texte[:60]}{'…' if len(texte) > 60 else ''} »"


def enregistrer_parole(*, parole: Parole, par: Acteur) -> Parole:
    """Crée ou modifie une parole (`parole` vient d'un formulaire validé)."""
    par = exiger(par)
    _exiger_gestion(par)
    _verifier(parole)
    with transaction.atomic():
        if parole.pk is None:
            parole.save()
            journal.journaliser(
                par=par,
                operation="parole.creer",
                libelle=f"Parole d'habitant ajoutée : {_libelle(parole)}",
                objet=parole,
                changements=journal.creation(parole, CHAMPS),
            )
            return parole
        avant = Parole.objects.select_for_update().get(pk=parole.pk)
        changements = journal.ecarts(
            journal.instantane(avant, CHAMPS), journal.instantane(parole, CHAMPS)
        )
        if changements:
            parole.save()
            journal.journaliser(
                par=par,
                operation="parole.modifier",
                libelle=f"Parole d'habitant modifiée : {_libelle(parole)}",
                objet=parole,
                changements=changements,
            )
    return parole


def supprimer_parole(*, parole: Parole, par: Acteur) -> None:
    par = exiger(par)
    _exiger_gestion(par)
    with transaction.atomic():
        avant = Parole.objects.select_for_update().get(pk=parole.pk)
        journal.journaliser(
            par=par,
            operation="parole.supprimer",
            libelle=f"Parole d'habitant retirée : {_libelle(avant)}",
            objet=avant,
            changements=journal.ecarts(journal.instantane(avant, CHAMPS), {}),
        )
        avant.delete()
