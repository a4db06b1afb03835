"""Emplois mutualisés et engagements (services civiques, stages, contrats).

Qui voit quoi : l'équipe (gestion, comptabilité) voit tout ; un·e référent·e voit les postes
où sa structure a une part ou qu'elle emploie, et les engagements qu'elle accueille (le poste
d'une autre structure lui est un 404) ; les autres personnes connectées n'ont pas accès (403).
Seule la gestion crée et modifie."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from habitants import selectors as habitants_selectors
from phares.forms import style_form
from phares.lib.pagination import paginate

from .. import selectors
from ..forms.emplois import (
    EmploiFilter,
    EmploiForm,
    EngagementFilter,
    EngagementForm,
    parts_formset,
)
from ..models import EmploiMutualise, Engagement
from ..roles import gestion_required, is_gestion, is_staff_member, structures_referent
from ..services import ProjetsError
from ..services import emplois as services


def _portee(user) -> set[int] | None:
    """None : tout (l'équipe) ; sinon les structures dont `user` est référent·e (403 sans)."""
    if is_staff_member(user):
        return None
    mes_structures = structures_referent(user)
    if not mes_structures:
        raise PermissionDenied
    return mes_structures


def _structures_du_filtre(portee):
    structures = habitants_selectors.toutes_structures().order_by("nom")
    return structures if portee is None else structures.filter(pk__in=portee)


def _emplois_visibles(portee):
    if portee is None:
        return selectors.emplois_mutualises()
    return selectors.emplois_des_structures(portee)


# --- Emplois mutualisés -------------------------------------------------------------------


@login_required
def emploi_liste(request):
    portee = _portee(request.user)
    f = EmploiFilter(
        request.GET, queryset=_emplois_visibles(portee), structures=_structures_du_filtre(portee)
    )
    page, query = paginate(request, f.qs.order_by("-debut", "intitule", "pk"))
    style_form(f.form)
    return render(
        request,
        "projets/emploi_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": is_gestion(request.user),
            "mes_structures": portee or set(),
        },
    )


def _emploi_visible_ou_404(user, pk) -> EmploiMutualise:
    return get_object_or_404(_emplois_visibles(_portee(user)), pk=pk)


@login_required
def emploi_detail(request, pk):
    emploi = _emploi_visible_ou_404(request.user, pk)
    parts = list(emploi.parts.all())
    return render(
        request,
        "projets/emploi_detail.html",
        {
            "emploi": emploi,
            # A whole month's amounts, split as billing splits them (they add up to the cost).
            "parts": list(
                zip(
                    parts,
                    selectors.repartir(emploi.cout_mensuel, parts)
                    if emploi.cout_mensuel is not None
                    else [None] * len(parts),
                    strict=True,
                )
            ),
            "peut_modifier": is_gestion(request.user),
        },
    )


def _emploi_formulaire(request, emploi: EmploiMutualise | None):
    form = EmploiForm(request.POST or None, instance=emploi)
    formset = parts_formset(request.POST or None, emploi=emploi)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            enregistre = services.enregistrer_emploi(
                emploi=form.save(commit=False), parts=formset.parts(), par=request.acteur
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Poste « {enregistre.intitule} » enregistré.")
            return redirect("projets:emploi-detail", enregistre.pk)
    style_form(form)
    for f in formset.forms:
        style_form(f)
    return render(
        request,
        "projets/emploi_form.html",
        {"form": form, "formset": formset, "emploi": emploi},
    )


@gestion_required
def emploi_nouveau(request):
    return _emploi_formulaire(request, None)


@gestion_required
def emploi_modifier(request, pk):
    # A fresh instance for the form: the one on the page stays as it was if the save fails.
    return _emploi_formulaire(request, get_object_or_404(EmploiMutualise, pk=pk))


# --- Engagements --------------------------------------------------------------------------


@login_required
def engagement_liste(request):
    portee = _portee(request.user)
    engagements = (
        selectors.engagements() if portee is None else selectors.engagements_des_structures(portee)
    )
    f = EngagementFilter(
        request.GET, queryset=engagements, structures=_structures_du_filtre(portee)
    )
    page, query = paginate(request, f.qs.order_by("-debut", "pk"))
    style_form(f.form)
    return render(
        request,
        "projets/engagement_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": is_gestion(request.user),
        },
    )


def _engagement_formulaire(request, engagement: Engagement | None):
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            enregistre = services.enregistrer_engagement(
                engagement=form.save(commit=False), par=request.acteur
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Engagement « {enregistre.mission} » enregistré.")
            return redirect("projets:engagement-liste")
    style_form(form)
    return render(
        request,
        "projets/engagement_form.html",
        {"form": form, "engagement": engagement},
    )


@gestion_required
def engagement_nouveau(request):
    return _engagement_formulaire(request, None)


@gestion_required
def engagement_modifier(request, pk):
    return _engagement_formulaire(request, get_object_or_404(Engagement, pk=pk))
