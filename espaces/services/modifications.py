"""Changer une réservation faite : l'annuler, la modifier (la déplacer, changer son objet
ou son nombre de personnes). Mêmes règles qu'à la réservation (`reservations`), même
acteur, même journal, mêmes e-mails après validation.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from phares.lib import annulables, journal, temps
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_euros

from ..models import Reservation
from ._erreurs import ConflitError, EspacesError, enregistrer
from .reservations import (
    Situation,
    creneau_tenu,
    decrire,
    est_gestion,
    fin_bloquee,
    message_conflit,
    prevenir,
    titre_valide,
    verifier_beneficiaire,
    verifier_capacite,
    verifier_droit,
    verifier_presence,
    verifier_prix_accepte,
    verifier_regles,
    verrouiller_ressource,
)
from .tarifs import verrouiller_forfaits

# --- Annulation -----------------------------------------------------------------------


def verifier_droit_d_annuler(par: Acteur, reservation: Reservation) -> None:
    if not est_gestion(par) and reservation.structure_id is None:
        raise EspacesError("Seule l'équipe de gestion annule une réservation extérieure.")
    verifier_droit(par, structure=reservation.structure)


def refus_annulation(r: Reservation, par: Acteur, now: datetime.datetime) -> str | None:
    """Pourquoi `r` ne s'annule pas (active, à venir, préavis sauf pour l'équipe), ou None."""
    refus = r.refus_changement(now, pour="annulée")
    if refus is None and r.dans_le_preavis(now) and not est_gestion(par):
        refus = (
            f"Annulation possible jusqu'à {r.ressource.preavis_annulation_heures} h "
            "avant le début : contactez l'équipe du PHARES."
        )
    return refus


def marquer_annulees(reservations: list[Reservation], par: Acteur, now) -> None:
    """Annule en une écriture des réservations verrouillées et vérifiées (refus_annulation) ;
    ni journal ni e-mail (voir `creer`). Les objets en mémoire suivent."""
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        statut=Reservation.Statut.ANNULEE,
        annulee_le=now,
        annulee_par=par.user,
        sequence=F("sequence") + 1,  # calendars replace the event by its cancelled version
    )
    for r in reservations:
        r.statut, r.annulee_le, r.annulee_par = Reservation.Statut.ANNULEE, now, par.user
        r.sequence += 1


def annuler_une(pk: int, par: Acteur, now: datetime.datetime) -> tuple[Reservation, str]:
    """Annule la réservation `pk` après ses règles ; rend aussi le statut d'avant, lisible."""
    r = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("ressource", "structure")
        .get(pk=pk)
    )
    avant = r.get_statut_display()
    refus = refus_annulation(r, par, now)
    if refus is not None:
        raise EspacesError(refus)
    marquer_annulees([r], par, now)
    return r, avant


def annuler(*, reservation: Reservation, par: Acteur, now=None) -> Reservation:
    par = exiger(par)
    now = now or timezone.now()
    verifier_droit_d_annuler(par, reservation)
    with transaction.atomic():
        r, avant = annuler_une(reservation.pk, par, now)
        journal.journaliser(
            par=par,
            operation="reservation.annuler",
            libelle=f"Réservation annulée : {decrire(r)}",
            objet=r,
            structure=r.structure,
            changements={"statut": (avant, r.get_statut_display())},
        )
        prevenir(r, "annulee")
    return r


# --- Revenir sur une annulation (bouton « Annuler » du message) -------------------------

ANNULATION = "reservation.annuler"


def proposer_retablissement(*, reservation: Reservation, par: Acteur) -> annulables.Offre:
    """Après `annuler` : le bouton qui rétablit la réservation pendant quelques minutes."""
    return annulables.proposer(
        par=par, operation=ANNULATION, donnees={"reservation": reservation.pk}
    )


def retablir(*, operation, par: Acteur, now=None) -> Reservation:
    """Défait l'annulation d'une réservation (`operation` : l'offre de `proposer_retablissement`)
    si son créneau est encore libre : la règle de la double réservation tient (même verrou,
    même vérification, la contrainte de la base en dernier). Son prix est revu comme à la
    réservation (le forfait du mois a pu être entamé entre-temps) : s'il a monté, rien n'est
    rétabli. Les règles de réservation (délai, horaires) ne sont pas revues : c'est la même
    réservation, pas une nouvelle. Un e-mail redonne l'événement aux agendas."""
    par = exiger(par)
    now = now or timezone.now()
    with transaction.atomic():
        # First: a second click waits here, then finds the operation already undone.
        op = annulables.prendre(operation, attendue=ANNULATION, par=par, now=now)
        r = Reservation.objects.select_related("ressource", "structure", "externe").get(
            pk=op.donnees["reservation"]
        )
        verifier_droit_d_annuler(par, r)
        # The locks of a booking, in the same order (forfaits, resource, then the row).
        situation = Situation.lire(
            r.ressource,
            [(r.debut, r.fin)],
            structure=r.structure,
            externe=r.externe_id is not None,
            exclure_pk=r.pk,
        )
        r = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("ressource", "structure", "externe", "par")
            .get(pk=r.pk)
        )
        _verifier_retablissable(r, situation, now)
        prix = situation.tarification.prix(r.debut, r.fin)
        if prix.montant.ttc > r.montant.ttc:
            raise EspacesError(
                "La réservation reste annulée : le forfait du mois a été entamé entre-temps, "
                f"elle coûterait maintenant {format_euros(prix.montant.ttc)} TTC. "
                "Réservez de nouveau pour voir le prix."
            )
        avant = r.get_statut_display()
        r.statut, r.annulee_le, r.annulee_par = Reservation.Statut.CONFIRMEE, None, None
        r.tarif, r.minutes_facturables = prix.tarif, prix.minutes_facturables
        r.montant_ht, r.taux_tva = prix.montant.ht, prix.montant.taux_tva
        r.sequence += 1
        # PostgreSQL: a booking committed after the check above (exclusion constraint).
        enregistrer(
            r,
            f"La réservation reste annulée : {message_conflit(r.ressource, None)}",
            update_fields=[
                "statut",
                "annulee_le",
                "annulee_par",
                "tarif",
                "minutes_facturables",
                "montant_ht",
                "taux_tva",
                "sequence",
            ],
        )
        journal.journaliser(
            par=par,
            operation="reservation.retablir",
            libelle=f"Annulation défaite, réservation rétablie : {decrire(r)}",
            objet=r,
            structure=r.structure,
            changements={"statut": (avant, r.get_statut_display())},
        )
        annulables.marquer_defaite(op, par=par, now=now)
        prevenir(r, "confirmee")
    return r


def _verifier_retablissable(r: Reservation, situation: Situation, now) -> None:
    if r.statut != Reservation.Statut.ANNULEE:
        raise EspacesError("Cette réservation n'est plus annulée : rien n'a changé.")
    if r.fin <= now:
        raise EspacesError("Ce créneau est passé : la réservation reste annulée.")
    verifier_beneficiaire(r.structure, r.externe)
    verifier_presence(r.structure, temps.jour(r.debut))
    other = situation.occupation.conflit(r.debut, r.fin_bloquee)
    if other is not None:
        raise ConflitError(
            f"La réservation reste annulée : {r.ressource} a été réservée "
            f"{creneau_tenu(other)} entre-temps."
        )


# --- Modification -------------------------------------------------------------------------

# What the journal shows of a modification (only the fields that changed).
CHAMPS_MODIFICATION = (
    "debut",
    "fin",
    "titre",
    "nb_personnes",
    "minutes_facturables",
    "montant_ht",
    "taux_tva",
)


CHAMPS_ECRITS = [
    *CHAMPS_MODIFICATION,
    "fin_bloquee",
    "tarif",
    "expire_le",
    "sequence",
]


def _verifier_modifiable(r: Reservation, par: Acteur, now: datetime.datetime) -> None:
    """Active, pas finie, pas expirée, hors du préavis (sauf pour l'équipe) ; une demande
    en attente, l'équipe seulement."""
    refus = r.refus_changement(now, pour="modifiée")
    if refus is not None:
        raise EspacesError(refus)
    if r.statut == Reservation.Statut.EN_ATTENTE and not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion modifie une demande.")
    if r.dans_le_preavis(now) and not est_gestion(par):
        raise EspacesError(
            f"Modification possible jusqu'à {r.ressource.preavis_annulation_heures} h "
            "avant le début : contactez l'équipe du PHARES."
        )


def modifier_reservation(
    *,
    reservation: Reservation,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    nb_personnes: int,
    par: Acteur,
    prix_accepte: Decimal | None = None,
    now: datetime.datetime | None = None,
    notifier: bool = True,
) -> Reservation:
    """Déplace ou modifie une réservation, ou une demande en attente (l'équipe, avant de
    l'accepter), avec les règles d'une réservation : horaires, durée, capacité, présence de
    la structure, créneau libre (hors elle-même), préavis pour qui n'est pas de l'équipe.
    Un créneau déplacé est repayé sur le forfait du mois tel qu'il est (sous son verrou, sans
    elle-même) ; un changement d'objet ou de nombre de personnes garde le créneau et le prix
    figés (seule la capacité est revue : une règle changée depuis ne bloque pas un nouvel
    objet). Une occurrence de série est modifiée seule. Rien ne change : rien n'est écrit.
    `notifier=False` : pas l'e-mail du gabarit (l'opération qui l'appelle, une proposition de
    créneau, envoie celui que l'équipe a écrit)."""
    par = exiger(par)
    now = now or timezone.now()
    verifier_droit_d_annuler(par, reservation)
    titre = titre_valide(titre)
    if timezone.is_naive(debut) or timezone.is_naive(fin):
        raise EspacesError("Heure sans fuseau : précisez la date et l'heure.")
    ressource, structure = reservation.ressource, reservation.structure
    externe = reservation.externe_id is not None
    jour = temps.jour(debut)
    with transaction.atomic():
        verrouiller_forfaits(ressource, structure, [jour, temps.jour(reservation.debut)])
        verrouiller_ressource(ressource)
        r = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("ressource", "structure", "externe", "par")
            .get(pk=reservation.pk)
        )
        _verifier_modifiable(r, par, now)
        avant = journal.instantane(r, CHAMPS_MODIFICATION)
        creneau_avant = (r.debut, r.fin)
        deplacee = (r.debut, r.fin) != (debut, fin)
        if deplacee:
            verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe)
            verifier_presence(structure, jour)
            # What creer reads, without the booking being moved (locks already held).
            situation = Situation.lire(
                ressource, [(debut, fin)], structure=structure, externe=externe, exclure_pk=r.pk
            )
            bloquee = fin_bloquee(ressource, fin)
            other = situation.occupation.conflit(debut, bloquee)
            if other is not None:
                raise ConflitError(message_conflit(ressource, other))
            prix = situation.tarification.prix(debut, fin)
            verifier_prix_accepte(prix.montant.ttc, prix_accepte, rien="Rien n'est modifié")
            r.debut, r.fin, r.fin_bloquee = debut, fin, bloquee
            r.tarif = prix.tarif
            r.minutes_facturables = prix.minutes_facturables
            r.montant_ht, r.taux_tva = prix.montant.ht, prix.montant.taux_tva
            if r.expire_le is not None:
                r.expire_le = min(r.expire_le, debut)  # a request never waits past its start
        elif nb_personnes != r.nb_personnes:
            verifier_capacite(ressource, nb_personnes)
        r.titre, r.nb_personnes = titre, nb_personnes
        changements = journal.ecarts(avant, journal.instantane(r, CHAMPS_MODIFICATION))
        if not changements:
            return r
        r.sequence += 1
        # PostgreSQL: a booking committed after the check above (exclusion constraint).
        enregistrer(r, message_conflit(ressource, None), update_fields=CHAMPS_ECRITS)
        quoi = "Demande" if r.statut == Reservation.Statut.EN_ATTENTE else "Réservation"
        libelle = f"{quoi} modifiée : {decrire(r)}"
        if deplacee:
            libelle += f" (avant : {temps.creneau(*creneau_avant)})"
        journal.journaliser(
            par=par,
            operation="reservation.modifier",
            libelle=libelle,
            objet=r,
            structure=r.structure,
            changements=changements,
        )
        if notifier:
            prevenir(r, "modifiee", avant=creneau_avant if deplacee else None)
    return r
