"""E-mails de réservation (confirmation, annulation), avec le .ics en pièce jointe."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from phares.lib import temps

from . import ics
from .models import Reservation

logger = logging.getLogger(__name__)


def destinataires(r: Reservation) -> list[str]:
    emails = []
    if r.par_id and r.par.email:
        emails.append(r.par.email)
    if r.externe_id and r.externe.email:
        emails.append(r.externe.email)
    return list(dict.fromkeys(emails))


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
        "url": request.build_absolute_uri(f"/reservations/{r.pk}/") if request else "",
    }
    # One line: a room name with a newline would make the header (and the e-mail) fail.
    subject = " ".join(render_to_string("espaces/email/reservation_subject.txt", context).split())
    body = render_to_string("espaces/email/reservation_body.txt", context)
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
    d, f = temps.paris(r.debut), temps.paris(r.fin)
    url = request.build_absolute_uri(f"/reservations/{r.pk}/") if request else ""
    body = (
        f"Nouvelle demande de salle de {r.externe.nom} ({r.externe.email}) :\n\n"
        f"  {r.titre}\n  {r.ressource.nom}, le {d:%d/%m/%Y} de {d:%H:%M} à {f:%H:%M}, "
        f"{r.nb_personnes} personne(s)\n\n"
        f"Le créneau est tenu jusqu'au {temps.paris(r.expire_le):%d/%m/%Y à %H:%M}.\n"
        f"Accepter ou refuser : {url}\n"
    )
    # The organisation's name comes from a public form: keep the header on one line.
    organisation = " ".join(r.externe.nom.split())
    message = EmailMessage(
        subject=f"[PHARES] Demande de salle : {organisation}, le {d:%d/%m/%Y}",
        body=body,
        to=[settings.PHARES_CONTACT["email"]],
    )
    try:
        message.send()
    except Exception:
        logger.exception("Alerte de demande %s impossible", r.pk)
