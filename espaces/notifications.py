"""E-mails de réservation (confirmation, annulation), avec le .ics en pièce jointe."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from phares.lib import emails, temps

from . import ics
from .models import Reservation

logger = logging.getLogger(__name__)


def destinataires(r: Reservation) -> list[str]:
    adresses = []
    if r.par_id and r.par.email:
        adresses.append(r.par.email)
    if r.externe_id and r.externe.email:
        adresses.append(r.externe.email)
    return list(dict.fromkeys(adresses))


def _lien(r: Reservation, request) -> str:
    """Lien absolu vers la réservation ; pas de requête, pas de lien (voir reserver_externe)."""
    if request is None:
        return ""
    return request.build_absolute_uri(reverse("espaces:reservation-detail", args=[r.pk]))


def envoyer(
    r: Reservation, evenement: str, *, serie: list[Reservation] | None = None, request=None
) -> None:
    """Un e-mail à la personne qui a réservé. Un échec d'envoi n'annule pas la réservation
    (elle est déjà enregistrée et visible dans « Mes réservations ») : il est journalisé."""
    to = destinataires(r)
    if not to:
        return
    reservations = serie or [r]
    context = {
        "r": r,
        "reservations": reservations,
        "evenement": evenement,
        "debut": temps.paris(r.debut),
        "fin": temps.paris(r.fin),
        "lieu": settings.PHARES_CONTACT["lieu"],
        "url": _lien(r, request),
    }
    subject, body = emails.rendre("espaces/email/reservation", context)
    message = EmailMessage(subject=subject, body=body, to=to)
    message.attach(
        "reservation.ics",
        ics.invitation(reservations),
        "text/calendar; charset=utf-8; method=PUBLISH",
    )
    try:
        message.send()
    except Exception:
        logger.exception("Envoi de l'e-mail de réservation %s impossible", r.pk)


def prevenir_equipe(r: Reservation, *, request=None) -> None:
    """Nouvelle demande extérieure : l'équipe doit l'accepter ou la refuser avant expiration."""
    d = temps.paris(r.debut)
    body = (
        f"Nouvelle demande de salle de {r.externe.nom} ({r.externe.email}) :\n\n"
        f"  {r.titre}\n  {r.ressource.nom}, {temps.creneau(r.debut, r.fin)}, "
        f"{r.nb_personnes} personne(s)\n\n"
        f"Le créneau est tenu jusqu'au {temps.paris(r.expire_le):%d/%m/%Y à %H:%M}.\n"
        f"Accepter ou refuser : {_lien(r, request)}\n"
    )
    message = EmailMessage(
        subject=emails.une_ligne(f"[PHARES] Demande de salle : {r.externe.nom}, le {d:%d/%m/%Y}"),
        body=body,
        to=[settings.PHARES_CONTACT["email"]],
    )
    try:
        message.send()
    except Exception:
        logger.exception("Alerte de demande %s impossible", r.pk)
