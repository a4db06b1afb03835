"""Mandats : ceux d'une date (cogérance, présidence, trésorerie, conseil…) et leur
historique ; la gestion nomme et termine."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from phares.lib import dates
from phares.roles import gestion_required, is_gestion

from .. import selectors
from ..forms.mandats import MandatForm, TerminerMandatForm
from ..roles import gouvernance_required
from ..services import GouvernanceError
from ..services import mandats as services
from ._objets import jour_demande, mandat_ou_404


@gouvernance_required
def mandats(request):
    jour_form, le = jour_demande(request)
    en_cours = list(selectors.mandats_le(le))
    ids = {m.pk for m in en_cours}
    return render(
        request,
        "gouvernance/mandats.html",
        {
            "jour_form": jour_form,
            "le": le,
            "today": timezone.localdate(),
            "en_cours": en_cours,
            "autres": [m for m in selectors.mandats() if m.pk not in ids],
            "peut_modifier": is_gestion(request.user),
        },
    )


@gestion_required
def mandat_nouveau(request):
    form = MandatForm(request.POST or None, initial={"debut": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            mandat = services.nommer(
                personne=c["personne"],
                fonction=c["fonction"],
                debut=c["debut"],
                fin=c["fin"],
                designe_par=c["designe_par"],
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Mandat enregistré : {mandat.personne.display_name}, "
                f"{mandat.get_fonction_display().lower()} à partir du "
                f"{dates.date_longue(mandat.debut)}.",
            )
            return redirect("gouvernance:mandats")
    return render(request, "gouvernance/mandat_form.html", {"form": form})


@gestion_required
def mandat_terminer(request, pk):
    mandat = mandat_ou_404(pk)
    today = timezone.localdate()
    if mandat.fin is not None and mandat.fin < today:
        raise Http404("Ce mandat est déjà terminé.")
    form = TerminerMandatForm(request.POST or None, initial={"fin": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer(
                mandat=mandat,
                fin=form.cleaned_data["fin"],
                motif=form.cleaned_data["motif"],
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error("fin", str(exc))
        else:
            messages.success(
                request,
                f"Le mandat de {mandat.personne.display_name} se termine le "
                f"{dates.date_longue(form.cleaned_data['fin'])}.",
            )
            return redirect("gouvernance:mandats")
    return render(request, "gouvernance/mandat_terminer.html", {"form": form, "mandat": mandat})
