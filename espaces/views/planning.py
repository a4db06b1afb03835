"""Plannings des salles : toutes les salles pour un jour, une salle pour une semaine."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from phares.lib import temps
from phares.roles import is_gestion, is_staff_member

from .. import selectors
from ..forms._champs import parse_date
from ._acces import peut_reserver, salle_ou_404


@login_required
def jour(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    staff = is_staff_member(request.user)
    return render(
        request,
        "espaces/jour.html",
        {
            "le": le,
            # Pending outside requests hold nothing: the staff see them, habitants a free slot.
            "lignes": selectors.jour_toutes_salles(le, avec_demandes=staff),
            "veille": le - datetime.timedelta(days=1),
            "lendemain": le + datetime.timedelta(days=1),
            "voir_tout": staff,
            # What one sees follows the detail page's rule (member today, even of a structure
            # that has left); booking needs a structure present today.
            "mes_structures": selectors.structures_du_membre_ids(request.user),
            "peut_reserver": peut_reserver(request.user),
            # Bookings for an outside organisation: gestion only, rooms open to them.
            "gestion": is_gestion(request.user),
        },
    )


@login_required
def semaine(request, slug):
    salle = salle_ou_404(slug)
    lundi = temps.monday_of(parse_date(request.GET.get("semaine"), timezone.localdate()))
    staff = is_staff_member(request.user)
    return render(
        request,
        "espaces/semaine.html",
        {
            "salle": salle,
            "lundi": lundi,
            "jours": selectors.semaine(salle, lundi, avec_demandes=staff),
            "precedente": lundi - datetime.timedelta(days=7),
            "suivante": lundi + datetime.timedelta(days=7),
            "voir_tout": staff,
            "mes_structures": selectors.structures_du_membre_ids(request.user),
            "peut_reserver": peut_reserver(request.user),
            "gestion": is_gestion(request.user),
            "salles": selectors.salles(),
        },
    )
