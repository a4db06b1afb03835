"""Ce que partagent les opérations de la SCIC : l'erreur métier, qui a le droit d'écrire,
la séance verrouillée le temps d'une opération."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from phares.lib.acteur import Acteur, exiger

from .. import roles
from ..models import MESSAGE_IMMUABLE, Seance
from ._erreurs import GouvernanceError


def exiger_redacteur(par: Acteur) -> Acteur:
    """Cogérant·es (mandat en cours), équipe de gestion, ou le système (une commande)."""
    par = exiger(par)
    if par.est_systeme:
        return par
    if par.user is None or not roles.peut_rediger(par.user):
        raise GouvernanceError(
            "Seul·es les cogérant·es et l'équipe de gestion préparent les séances et en tiennent "
            "le procès-verbal."
        )
    return par


def exiger_lecteur(par: Acteur) -> Acteur:
    """Associé·es, cogérant·es, équipe de gestion (ou le système)."""
    par = exiger(par)
    if par.est_systeme:
        return par
    if par.user is None or not roles.peut_lire(par.user):
        raise GouvernanceError("Seul·es les associé·es de la SCIC et ses cogérant·es le peuvent.")
    return par


def brouillon_verrouille(seance: Seance) -> Seance:
    """La séance relue sous verrou de ligne, jusqu'à la fin de la transaction : deux
    opérations sur la même séance (approuver ici, modifier dans un autre onglet) se suivent,
    et la seconde voit ce qu'a fait la première."""
    s = Seance.objects.select_for_update().filter(pk=seance.pk).first()
    if s is None:
        raise GouvernanceError("Cette séance n'existe plus.")
    if s.est_approuvee:
        raise GouvernanceError(MESSAGE_IMMUABLE)
    return s


def texte(valeur: str | None, *, quoi: str, max_length: int, requis: bool = True) -> str:
    valeur = (valeur or "").strip()
    if requis and not valeur:
        raise GouvernanceError(f"Indiquez : {quoi}.")
    if len(valeur) > max_length:
        raise GouvernanceError(f"{quoi.capitalize()} : {max_length} caractères au plus.")
    return valeur


def messages_de(exc: ValidationError) -> str:
    return " ".join(exc.messages)
