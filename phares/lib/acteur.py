"""Qui agit : chaque opération métier reçoit un `Acteur` (jamais un simple utilisateur).

Une personne connectée agit depuis une requête (son identifiant de requête suit l'action
jusqu'au journal) ; une commande agit au nom du « système ». Les services refusent tout
autre type : un appel qui oublierait de dire qui agit échoue au lieu d'écrire un journal
anonyme.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phares.models import User

# What a proxy may send as X-Request-ID: kept only if it is short and plain.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


# A visitor of the public pages (room request form): no account, but not the system either.
ANONYME = "anonyme"


def nouvel_id_requete(propose: str | None = None) -> str:
    if propose and _REQUEST_ID.match(propose):
        return propose
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Acteur:
    """L'auteur d'une opération : une personne (`user`) ou le système (`user` vide)."""

    user: User | None
    origine: str  # "web", or the command's name ("demo", "expirer_demandes"…)
    request_id: str = ""

    @classmethod
    def de_requete(cls, request) -> Acteur:
        """La personne connectée de `request` (les vues passent `request.acteur`)."""
        request_id = getattr(request, "request_id", "")
        if not request.user.is_authenticated:
            return cls(user=None, origine=ANONYME, request_id=request_id)
        return cls(user=request.user, origine="web", request_id=request_id)

    @classmethod
    def personne(cls, user, *, origine: str = "web", request_id: str = "") -> Acteur:
        if user is None or not user.is_authenticated:
            raise ValueError("Une personne connectée est attendue.")
        return cls(user=user, origine=origine, request_id=request_id)

    @classmethod
    def systeme(cls, origine: str) -> Acteur:
        return cls(user=None, origine=origine)

    @property
    def est_systeme(self) -> bool:
        return self.user is None and self.origine != ANONYME

    @property
    def libelle(self) -> str:
        if self.user is None and self.origine == ANONYME:
            return "visiteur non connecté"
        if self.user is None:
            return f"système ({self.origine})"
        return self.user.display_name

    def __str__(self) -> str:
        return self.libelle


def exiger(par: Any) -> Acteur:
    """Garde des services : `par` doit être un Acteur (pas un User, pas None)."""
    if not isinstance(par, Acteur):
        raise TypeError(
            f"par= attend un phares.lib.acteur.Acteur, pas {type(par).__name__} : "
            "passez request.acteur depuis une vue, Acteur.systeme(...) depuis une commande."
        )
    return par
