"""Les refus métier des services espaces, et l'écriture où la base tranche les courses."""

from collections.abc import Callable

from django.db import IntegrityError, transaction


class EspacesError(Exception):
    """Refus métier, avec un message destiné à la personne."""


class ConflitError(EspacesError):
    """Le créneau ou le poste est déjà pris."""


class PrixError(EspacesError):
    """Le prix calculé au moment d'enregistrer dépasse celui que la personne a accepté (le
    forfait du mois a été entamé entre-temps) : rien n'est enregistré, la page redemande."""


def enregistrer(obj, message_conflit: str | Callable[[], str], *, update_fields=None):
    """Enregistre `obj` (une nouvelle ligne, ou `update_fields` d'une ligne existante) dans
    un point de sauvegarde : si une contrainte de la base la refuse (une transaction
    concurrente a gagné, contrainte d'exclusion de PostgreSQL), ConflitError sans casser la
    transaction. `message_conflit` peut être une fonction : le message se compose alors
    après le refus (pour dire qui a pris le créneau)."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        message = message_conflit() if callable(message_conflit) else message_conflit
        raise ConflitError(message) from exc
    return obj


def inserer(model, message_conflit: str, **fields):
    """`enregistrer` une nouvelle ligne de `model`."""
    return enregistrer(model(**fields), message_conflit)
