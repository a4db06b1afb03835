"""E-mails de réservation (confirmation, annulation, refus, demande reçue), avec le .ics en
pièce jointe, et l'alerte de l'équipe à chaque demande extérieure.

Les services les programment après la validation (phares.lib.emails.apres_validation) :
rien ne part d'une opération annulée, et une erreur d'envoi remonte ici à
apres_validation, qui la journalise sans toucher à la réservation déjà enregistrée.
Les liens viennent de PHARES_URL (phares.lib.liens) : il n'y a plus de requête à ce moment-là.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from phares.lib import dates, emails, liens, temps

from . import ics
from .models import Reservation


def destinataires(r: Reservation) -> list[str]:
    adresses = []
    if r.par_id and r.par.email:
        adresses.append(r.par.email)
    if r.externe_id and r.externe.email:
        adresses.append(r.externe.email)
    return list(dict.fromkeys(adresses))


def envoyer(
    r: Reservation,
    evenement: str,
    *,
    serie: list[Reservation] | None = None,
    avant: tuple[datetime.datetime, datetime.datetime] | None = None,
    texte: str | None = None,
) -> None:
    """Un e-mail à qui a réservé (et à l'organisation extérieure). `serie` : toutes les
    occurrences concernées, pour que l'agenda qui a importé la série les retire toutes ;
    `avant` : le créneau (début, fin) d'avant une modification ; `texte` : le corps écrit
    par l'équipe (réponse à une demande) au lieu du gabarit, l'objet et le .ics restant
    ceux de l'événement. Le .ics porte la version (SEQUENCE) de chaque réservation :
    l'agenda remplace l'événement qu'il avait déjà."""
    to = destinataires(r)
    if not to:
        return
    reservations = serie or [r]
    context = {
        "r": r,
        "reservations": reservations,
        "evenement": evenement,
        "avant": {"debut": avant[0], "fin": avant[1]} if avant else None,
        "debut": temps.paris(r.debut),
        "fin": temps.paris(r.fin),
        "lieu": settings.PHARES_CONTACT["lieu"],
        # An outside organisation has no account to open the page with: no link for it.
        "url": liens.vers("espaces:reservation-detail", r.pk) if r.structure_id else "",
    }
    subject, body = emails.rendre("espaces/email/reservation", context)
    if texte is not None:
        body = texte
    message = EmailMessage(subject=subject, body=body, to=to)
    # Django adds the charset itself: writing it here too gave the header two.
    message.attach("reservation.ics", ics.invitation(reservations), "text/calendar; method=PUBLISH")
    message.send()


# In the drafts of the answers to a request: replaced, when the staff send it, by the
# reason they typed (refusal) or the slot they chose (proposal). Deleting it is allowed.
MARQUE_MOTIF = "[motif]"
MARQUE_CRENEAU = "[créneau proposé]"
REPONSES = ("accepter", "refuser", "proposer")


def brouillons_de_reponse(r: Reservation) -> dict[str, str]:
    """Les e-mails que la fiche d'une demande propose à l'équipe pour chaque réponse
    (accepter, refuser, proposer un autre créneau), à relire et modifier avant l'envoi."""
    context = {
        "r": r,
        "creneau": temps.creneau_lisible(r.debut, r.fin),
        "contact": settings.PHARES_CONTACT,
        "marque_motif": MARQUE_MOTIF,
        "marque_creneau": MARQUE_CRENEAU,
    }
    return {
        quoi: render_to_string(f"espaces/email/reponse_{quoi}.txt", context).strip() + "\n"
        for quoi in REPONSES
    }


def prevenir_equipe(r: Reservation) -> None:
    """Nouvelle demande extérieure : l'équipe l'accepte ou la refuse avant expiration. Elle
    ne tient pas le créneau : le dire, pour que l'équipe ne tarde pas."""
    body = (
        f"Nouvelle demande de salle de {r.externe.nom} ({r.externe.email}) :\n\n"
        f"  {r.titre}\n  {r.ressource.nom}, le {temps.creneau_lisible(r.debut, r.fin)}, "
        f"{r.nb_personnes} personne(s)\n\n"
        "La demande ne retient pas le créneau : une réservation confirmée peut le prendre "
        "d'ici là.\n"
        f"Elle attend votre réponse jusqu'au {temps.creneau_lisible(r.expire_le)}.\n"
        f"Accepter ou refuser : {liens.vers('espaces:reservation-detail', r.pk)}\n"
    )
    jour = dates.date_courte(temps.jour(r.debut), jour=True)
    message = EmailMessage(
        subject=emails.une_ligne(f"[PHARES] Demande de salle : {r.externe.nom}, le {jour}"),
        body=body,
        to=[settings.PHARES_CONTACT["email"]],
    )
    message.send()
