"""Demande publique de salle par une organisation extérieure (sans compte)."""

import datetime

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from .. import notifications, services
from ..forms.reservations import DemandePubliqueForm
from ..models import Reservation
from ._acces import initial_creneau

DELAI_DEMANDE = datetime.timedelta(days=7)


def demande_publique(request):
    """Une organisation extérieure demande une salle : la demande tient le créneau
    jusqu'à la décision de l'équipe, au plus 7 jours (et jamais au-delà du début)."""
    form = DemandePubliqueForm(request.POST or None, initial=initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        now = timezone.now()
        try:
            with transaction.atomic():
                services.verifier_quota_demandes(c["email"], now=now)
                client = form.client()
                client.save()
                r = services.reserver(
                    ressource=c["salle"],
                    debut=c["debut"],
                    fin=c["fin"],
                    titre=c["titre"],
                    par=None,
                    externe=client,
                    nb_personnes=c["nb_personnes"],
                    statut=Reservation.Statut.EN_ATTENTE,
                    expire_le=min(c["debut"], now + DELAI_DEMANDE),
                    now=now,
                )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            notifications.envoyer(r, "demande", request=None)
            notifications.prevenir_equipe(r, request=request)
            return render(request, "espaces/demande_envoyee.html", {"r": r})
    return render(request, "espaces/demande_publique.html", {"form": form})
