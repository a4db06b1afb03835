"""Postes dédiés au pôle (chargée de développement, assistance technique, supports
comptable et RH, accueil) : leur quotité en ETP, datée, fait le « 2,5 équivalents temps
plein dédiés au PHARES » du rapport (selectors.etp_dedies)."""

from __future__ import annotations

from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from ..models import PosteDedie
from ._erreurs import GouvernanceError

CHAMPS = (
    "fonction",
    "intitule",
    "personne",
    "personne_nom",
    "employeur",
    "etp",
    "debut",
    "fin",
    "notes",
)
ETP_MAX = 10


def _verifier(poste: PosteDedie) -> None:
    if poste.personne_id and poste.personne_nom:
        raise GouvernanceError("Une personne inscrite ou un nom, pas les deux.")
    if not 0 < poste.etp <= ETP_MAX:
        raise GouvernanceError(
            f"La quotité d'un poste va de 0,01 à {ETP_MAX} ETP (1 = un temps plein)."
        )
    if poste.fin is not None and poste.fin < poste.debut:
        raise GouvernanceError("La fin du poste ne peut pas précéder son début.")


def enregistrer_poste(*, poste: PosteDedie, par: Acteur) -> PosteDedie:
    """Crée ou modifie un poste (`poste` vient d'un formulaire validé)."""
    par = exiger(par)
    _verifier(poste)
    with transaction.atomic():
        if poste.pk is None:
            poste.save()
            journal.journaliser(
                par=par,
                operation="poste.creer",
                libelle=f"Poste dédié ajouté : {poste.intitule} ({poste.etp} ETP)",
                objet=poste,
                changements=journal.creation(poste, CHAMPS),
            )
            return poste
        ancien = PosteDedie.objects.select_for_update().get(pk=poste.pk)
        changements = journal.ecarts(
            journal.instantane(ancien, CHAMPS), journal.instantane(poste, CHAMPS)
        )
        if changements:
            poste.save()
            journal.journaliser(
                par=par,
                operation="poste.modifier",
                libelle=f"Poste dédié modifié : {poste.intitule}",
                objet=poste,
                changements=changements,
            )
    return poste
