"""Les organisations extérieures (clients qui louent une salle) : corriger leur fiche.

Une fiche se crée avec la demande ou la réservation qu'elle accompagne
(`reservations.creer_client`) ; l'équipe de gestion la corrige ensuite (adresse de
facturation, contact…). Les factures déjà émises gardent l'acheteur tel qu'il était le jour
de l'émission (`Facture.acheteur`, figé) : corriger une fiche ne change que les suivantes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger

from ..models import ClientExterne
from ._erreurs import EspacesError
from .reservations import Organisation, est_gestion, refus_du_client

# What the journal shows of a client (only the fields that changed).
CHAMPS_CLIENT = ("nom", "contact", "email", "telephone", "adresse_facturation")


def modifier_client(
    *, client: ClientExterne, organisation: Organisation, par: Acteur
) -> ClientExterne:
    """Corrige la fiche d'une organisation extérieure (l'équipe de gestion seulement), après
    la validation du modèle ; rien ne change : rien n'est écrit."""
    par = exiger(par)
    if not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion modifie la fiche d'un client extérieur.")
    with transaction.atomic():
        c = ClientExterne.objects.select_for_update().get(pk=client.pk)
        avant = journal.instantane(c, CHAMPS_CLIENT)
        c.nom = organisation.nom.strip()
        c.contact = organisation.contact.strip()
        c.email = organisation.email.strip()
        c.telephone = organisation.telephone.strip()
        c.adresse_facturation = organisation.adresse_facturation.strip()
        try:
            c.full_clean()
        except ValidationError as exc:
            raise refus_du_client(exc) from exc
        changements = journal.ecarts(avant, journal.instantane(c, CHAMPS_CLIENT))
        if not changements:
            return c
        c.save(update_fields=list(CHAMPS_CLIENT))
        journal.journaliser(
            par=par,
            operation="client_externe.modifier",
            libelle=f"Fiche du client extérieur {c.nom} modifiée",
            objet=c,
            changements=changements,
        )
    return c
