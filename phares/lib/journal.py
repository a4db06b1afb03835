"""Le journal des opérations : chaque service qui modifie des données y écrit une entrée,
dans sa propre transaction (si l'opération est annulée, l'entrée l'est aussi).

    avant = journal.instantane(reservation, ["debut", "fin", "statut"])
    … modification …
    journal.journaliser(
        par=par, operation="reservation.modifier", objet=reservation,
        libelle="Réservation déplacée", structure=reservation.structure,
        changements=journal.ecarts(avant, journal.instantane(reservation, [...])),
    )

Pourquoi une table écrite par les services plutôt qu'une bibliothèque (django-auditlog,
django-pghistory) : voir docs/decisions.md, « Journal ».
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from phares.lib import acteur as acteurs
from phares.lib import temps
from phares.lib.money import format_euros

MAX_VALEUR = 120  # characters kept per value in "avant → après"
# Never copied into the journal, whoever asks.
CHAMPS_SECRETS = frozenset({"password", "token_hash"})


def journaliser(
    *,
    par: acteurs.Acteur,
    operation: str,
    libelle: str,
    objet: models.Model | None = None,
    structure: Any = None,
    changements: dict[str, tuple[str, str]] | None = None,
):
    """Écrit une entrée. Doit être appelée dans la transaction de l'opération."""
    from phares.models import EntreeJournal

    par = acteurs.exiger(par)
    if not connection.in_atomic_block:
        # Outside a transaction the entry could survive an operation that fails after it.
        raise RuntimeError("journaliser() s'appelle dans la transaction de l'opération.")
    return EntreeJournal.objects.create(
        **_champs(par, operation, libelle, objet, structure, changements)
    )


def _champs(par, operation, libelle, objet, structure, changements) -> dict:
    return {
        "le": timezone.now(),
        "par": par.user,
        "par_libelle": par.libelle[:200],
        "origine": par.origine[:40],
        "request_id": par.request_id[:64],
        "operation": operation[:80],
        "libelle": " ".join(libelle.split())[:300],
        "objet_type": objet._meta.label_lower if objet is not None else "",
        "objet_id": str(objet.pk) if objet is not None and objet.pk is not None else "",
        "objet_repr": str(objet)[:200] if objet is not None else "",
        "structure_id": getattr(structure, "pk", None),
        "structure_nom": str(structure)[:200] if structure is not None else "",
        "changements": {k: [a, b] for k, (a, b) in (changements or {}).items()},
    }


def journaliser_lot(*, par: acteurs.Acteur, entrees: Iterable[dict[str, Any]]) -> int:
    """Plusieurs entrées d'un coup, insérées par paquets (un import de 50 000 lignes : une
    entrée par objet créé ou modifié). Chaque entrée a les arguments de journaliser()
    (`operation`, `libelle`, `objet`, `structure`, `changements`). Même règle : dans la
    transaction de l'opération."""
    from phares.models import EntreeJournal

    par = acteurs.exiger(par)
    if not connection.in_atomic_block:
        raise RuntimeError("journaliser_lot() s'appelle dans la transaction de l'opération.")
    objets = [
        EntreeJournal(
            **_champs(
                par,
                e["operation"],
                e["libelle"],
                e.get("objet"),
                e.get("structure"),
                e.get("changements"),
            )
        )
        for e in entrees
    ]
    EntreeJournal.objects.bulk_create(objets, batch_size=500)
    return len(objets)


def affichable(valeur: Any) -> str:
    """Une valeur comme une personne la lit : dates françaises, heure de Paris, euros."""
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime.datetime):
        return f"{temps.paris(valeur):%d/%m/%Y %H:%M}"
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, datetime.time):
        return f"{valeur:%H:%M}"
    if isinstance(valeur, Decimal):
        return format(valeur.normalize(), "f")
    texte = " ".join(str(valeur).split())
    return texte if len(texte) <= MAX_VALEUR else texte[: MAX_VALEUR - 1] + "…"


def lignes(changements: dict[str, list]) -> list[tuple[str, Any, Any]]:
    """Les changements d'une entrée (chacun [avant, après], écrit par `_champs`) en
    (champ, avant, après), pour les montrer : un triplet se déballe dans une boucle de
    gabarit, là où `valeurs.0` cherche d'abord une clé puis un attribut (et liste ceux de la
    liste par dir()) avant de tenter l'index."""
    return [(champ, avant, apres) for champ, (avant, apres) in changements.items()]


def instantane(objet: models.Model, champs: Iterable[str]) -> dict[str, str]:
    """Les valeurs lisibles de `champs` (libellés des choix, nom des objets liés)."""
    result = {}
    for name in champs:
        if name in CHAMPS_SECRETS:
            continue
        field = objet._meta.get_field(name)
        label = str(field.verbose_name)
        if getattr(field, "choices", None):
            valeur = getattr(objet, f"get_{name}_display")()
        else:
            valeur = getattr(objet, name)  # a related object prints as its name
        result[label] = affichable(valeur)
    return result


def ecarts(avant: dict[str, str], apres: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Les seuls champs qui ont changé, (avant, après)."""
    return {
        k: (avant.get(k, "—"), apres.get(k, "—"))
        for k in dict.fromkeys([*avant, *apres])
        if avant.get(k, "—") != apres.get(k, "—")
    }


def creation(objet: models.Model, champs: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Changements d'une création : chaque champ passe de « — » à sa valeur."""
    return ecarts({}, instantane(objet, champs))


def euros(valeur: Decimal | None) -> str:
    return format_euros(valeur) if valeur is not None else "—"


def de_structure(structure_id: int, *, limite: int = 10):
    """Les dernières entrées qui concernent une structure (fiche de la structure)."""
    from phares.models import EntreeJournal

    return EntreeJournal.objects.filter(structure_id=structure_id)[:limite]
