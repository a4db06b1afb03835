"""E-mails de la gouvernance, programmés après la validation par les services
(phares.lib.emails.apres_validation) : la convocation (avec son .ics) aux inscrits d'une
séance, le procès-verbal approuvé (PDF joint) aux associé·es. Les liens viennent de
PHARES_URL (phares.lib.liens)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from phares.lib import emails, liens, temps

from . import ics, selectors
from .models import Seance


def envoyer_convocation(seance_pk: int, adresses: list[str]) -> None:
    """Un message par inscrit (chacun ne voit que sa propre adresse)."""
    seance = Seance.objects.get(pk=seance_pk)
    url = liens.vers("gouvernance:seance-detail", seance.pk)
    context = {
        "seance": seance,
        "points": list(seance.points.order_by("rang", "pk")),
        "debut": temps.paris(seance.debut),
        "fin": temps.paris(seance.fin) if seance.fin else None,
        "scic": settings.GOUVERNANCE_SCIC,
        "url": url,
        "renvoi": seance.sequence > 0,
    }
    subject, body = emails.rendre("gouvernance/email/convocation", context)
    piece = ics.convocation(seance, url=url)
    for adresse in adresses:
        message = EmailMessage(subject=subject, body=body, to=[adresse])
        message.attach("convocation.ics", piece, "text/calendar; method=PUBLISH")
        message.send()


def envoyer_pv(seance_pk: int) -> None:
    """Le procès-verbal approuvé, PDF joint, aux associé·es et aux cogérant·es du jour."""
    seance = Seance.objects.select_related("document").get(pk=seance_pk)
    aujourd_hui = timezone.localdate()
    adresses = selectors.emails_associes(le=aujourd_hui) + [
        u.email for u in selectors.cogerants(le=aujourd_hui) if u.email
    ]
    adresses = list(dict.fromkeys(adresses))
    if not adresses:
        return
    context = {
        "seance": seance,
        "decisions": list(seance.decisions.order_by("rang", "pk")),
        "scic": settings.GOUVERNANCE_SCIC,
        "url": liens.vers("gouvernance:seance-detail", seance.pk),
    }
    subject, body = emails.rendre("gouvernance/email/pv", context)
    # Associates are not told each other's addresses: they go in Bcc.
    message = EmailMessage(subject=subject, body=body, to=[], bcc=adresses)
    message.attach(f"{seance.numero}.pdf", bytes(seance.document.contenu), "application/pdf")
    message.send()
