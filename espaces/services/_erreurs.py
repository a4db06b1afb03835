"""Les refus métier des services espaces, et l'insertion où la base tranche les courses."""

from django.db import IntegrityError, transaction


class EspacesError(Exception):
    """Refus métier, avec un message destiné à la personne."""


class ConflitError(EspacesError):
    """Le créneau ou le poste est déjà pris."""


class PrixError(EspacesError):
    """Le prix calculé au moment d'enregistrer dépasse celui que la personne a accepté (le
    forfait du mois a été entamé entre-temps) : rien n'est enregistré, la page redemande."""


def inserer(model, message_conflit: str, **fields):
    """Insère dans un point de sauvegarde : si la contrainte d'exclusion refuse la ligne
    (une transaction concurrente a gagné), ConflitError sans casser la transaction."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as exc:
        raise ConflitError(message_conflit) from exc
