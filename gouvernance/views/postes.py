"""Postes dédiés au pôle : ceux d'une année, leur quotité et le total d'ETP du rapport ; la
gestion les ajoute et les modifie."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from phares.lib import dates
from phares.roles import gestion_required, is_gestion

from .. import selectors
from ..forms._champs import nombre_lisible
from ..forms.postes import PosteForm
from ..roles import gouvernance_required
from ..services import GouvernanceError
from ..services import postes as services
from ._objets import annee_demandee, poste_ou_404


@gouvernance_required
def postes(request):
    annee_form, annee = annee_demandee(request)
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    today = timezone.localdate()
    return render(
        request,
        "gouvernance/postes.html",
        {
            "annee_form": annee_form,
            "annee": annee,
            "postes": [
                (p, nombre_lisible(p.etp))
                for p in selectors.postes().filter(dates.overlapping(debut, fin))
            ],
            "etp_annee": nombre_lisible(selectors.etp_dedies(annee=annee)),
            "today": today,
            "etp_aujourdhui": nombre_lisible(selectors.etp_dedies(le=today)),
            "peut_modifier": is_gestion(request.user),
        },
    )


def _formulaire(request, poste):
    form = PosteForm(
        request.POST or None,
        instance=poste,
        initial=None if poste else {"debut": timezone.localdate(), "etp": "1"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enregistre = services.enregistrer_poste(
                poste=form.save(commit=False), par=request.acteur
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Poste « {enregistre.intitule} » enregistré.")
            return redirect(f"{reverse('gouvernance:postes')}?annee={enregistre.debut.year}")
    return render(request, "gouvernance/poste_form.html", {"form": form, "poste": poste})


@gestion_required
def poste_nouveau(request):
    return _formulaire(request, None)


@gestion_required
def poste_modifier(request, pk):
    return _formulaire(request, poste_ou_404(pk))
