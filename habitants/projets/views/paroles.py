"""Paroles d'habitants : toute personne connectée les lit ; la gestion les tient."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from phares.lib.pagination import paginate

from .. import roles, selectors
from ..forms.paroles import ParoleFilter, ParoleForm
from ..models import Parole
from ..services import ProjetsError
from ..services import paroles as services


def _parole_ou_404(pk) -> Parole:
    return get_object_or_404(selectors.paroles(), pk=pk)


@login_required
def parole_liste(request):
    f = ParoleFilter(request.GET, queryset=selectors.paroles())
    f.form.auto_id = "filtre_%s"
    page, query = paginate(request, f.qs)
    return render(
        request,
        "projets/parole_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": roles.is_gestion(request.user),
        },
    )


def _formulaire(request, parole):
    form = ParoleForm(
        request.POST or None,
        instance=parole,
        initial=None if parole else {"annee": timezone.localdate().year, "rang": 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enregistree = services.enregistrer_parole(
                parole=form.save(commit=False), par=request.acteur
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Parole d'habitant enregistrée.")
            return redirect(f"{reverse('projets:parole-liste')}?annee={enregistree.annee}")
    return render(request, "projets/parole_form.html", {"form": form, "parole": parole})


@roles.gestion_required
@require_http_methods(["GET", "POST"])
def parole_nouvelle(request):
    return _formulaire(request, None)


@roles.gestion_required
@require_http_methods(["GET", "POST"])
def parole_modifier(request, pk):
    return _formulaire(request, _parole_ou_404(pk))


@roles.gestion_required
@require_http_methods(["GET", "POST"])
def parole_supprimer(request, pk):
    parole = _parole_ou_404(pk)
    if request.method == "POST":
        try:
            services.supprimer_parole(parole=parole, par=request.acteur)
        except ProjetsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Parole d'habitant retirée.")
        return redirect(f"{reverse('projets:parole-liste')}?annee={parole.annee}")
    return render(
        request,
        "includes/confirmer.html",
        {
            "titre": "Retirer la parole",
            "question": f"Retirer cette parole d'habitant de {parole.annee} ?",
            "consequences": [parole.texte[:200] + ("…" if len(parole.texte) > 200 else "")],
            "bouton": "Retirer la parole",
            "retour": reverse("projets:parole-liste"),
        },
    )
