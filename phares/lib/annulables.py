"""« Annuler » pendant quelques minutes plutôt que « Êtes-vous sûr ? » : après certaines
opérations, le message de confirmation porte un bouton qui les défait.

    # La vue, après l'opération réussie :
    offre = annulables.proposer(par=request.acteur, operation="reservation.annuler",
                                donnees={"reservation": r.pk})
    messages.success(request, f"Réservation annulée. {offre.phrase}",
                     extra_tags=offre.tags)

    # Le service qui défait, dans sa transaction :
    op = annulables.prendre(operation, attendue="reservation.annuler", par=par)
    … remettre les choses …
    annulables.marquer_defaite(op, par=par)

`prendre` verrouille la ligne (deux clics, deux onglets : le second attend le premier puis
trouve l'opération déjà défaite) et refuse, avec un message en français, une opération
expirée ou déjà défaite ; levée dans la transaction du service, l'erreur n'y laisse rien.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from phares.lib import temps
from phares.lib.acteur import Acteur, exiger
from phares.roles import is_gestion

# How long the "Annuler" button works after the operation.
DELAI = datetime.timedelta(minutes=10)
_SEL = "phares.annulables"
# Mark of a message that carries an undo button (extra_tags: "annulable <clé signée>").
ETIQUETTE = "annulable"


class AnnulationImpossible(Exception):
    """L'opération ne se défait plus (délai passé, déjà défaite) : message pour la personne."""


@dataclass(frozen=True)
class Offre:
    jeton: str
    expire_le: datetime.datetime

    @property
    def phrase(self) -> str:
        minutes = int(DELAI.total_seconds() // 60)
        return (
            f"Vous pouvez revenir en arrière jusqu'à {temps.paris(self.expire_le):%H:%M} "
            f"({minutes} minutes)."
        )

    @property
    def tags(self) -> str:
        return f"{ETIQUETTE} {self.jeton}"


def proposer(*, par: Acteur, operation: str, donnees: dict, now=None):
    """Enregistre l'offre de défaire `operation` (faite par `par`) et rend son bouton."""
    from phares.models import OperationAnnulable

    par = exiger(par)
    if par.user is None:
        raise ValueError("Seule une personne connectée défait ce qu'elle a fait.")
    now = now or timezone.now()
    op = OperationAnnulable.objects.create(
        operation=operation, donnees=donnees, par=par.user, le=now, expire_le=now + DELAI
    )
    return Offre(jeton=signing.dumps(op.pk, salt=_SEL), expire_le=op.expire_le)


def jeton_du_message(message) -> str:
    """La clé signée d'un message à bouton « Annuler », ou ""."""
    tags = (getattr(message, "extra_tags", "") or "").split()
    if len(tags) == 2 and tags[0] == ETIQUETTE:
        return tags[1]
    return ""


def lire(jeton: str, user):
    """L'opération de `jeton` si `user` peut la défaire (qui l'a faite, ou la gestion), sinon
    None : une clé inventée, retouchée, ou celle d'un autre, c'est tout un (la vue répond
    404). Ni l'expiration ni l'usage ne comptent ici : `prendre` les dit."""
    from phares.models import OperationAnnulable

    if not jeton or len(jeton) > 200:
        return None
    try:
        pk = signing.loads(jeton, salt=_SEL)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    op = OperationAnnulable.objects.filter(pk=pk).first()
    if op is None or not (op.par_id == user.pk or is_gestion(user)):
        return None
    return op


def prendre(operation, *, attendue: str, par: Acteur, now=None):
    """Dans la transaction qui défait : relit l'opération verrouillée et la refuse si elle
    n'est pas de la sorte `attendue`, plus à `par`, expirée ou déjà défaite."""
    from phares.models import OperationAnnulable

    par = exiger(par)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("prendre() s'appelle dans la transaction qui défait l'opération.")
    now = now or timezone.now()
    op = OperationAnnulable.objects.select_for_update().get(pk=operation.pk)
    if op.operation != attendue:
        raise AnnulationImpossible("Cette opération ne s'annule pas ainsi.")
    if par.user is None or not (op.par_id == par.user.pk or is_gestion(par.user)):
        raise AnnulationImpossible("Seule la personne qui a fait l'opération peut l'annuler.")
    if op.defaite_le is not None:
        raise AnnulationImpossible(
            f"C'est déjà annulé (le {temps.paris(op.defaite_le):%d/%m/%Y à %H:%M}) : "
            "rien n'a changé."
        )
    if op.expire_le <= now:
        minutes = int(DELAI.total_seconds() // 60)
        raise AnnulationImpossible(
            f"Le délai pour annuler est passé ({minutes} minutes, jusqu'à "
            f"{temps.paris(op.expire_le):%H:%M}) : rien n'a changé."
        )
    return op


def marquer_defaite(op, *, par: Acteur, now=None) -> None:
    """Dans la même transaction, une fois l'opération défaite : elle ne se défait plus."""
    op.defaite_le = now or timezone.now()
    op.defaite_par = par.user
    op.save(update_fields=["defaite_le", "defaite_par"])
