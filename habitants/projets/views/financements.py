"""Partenaires (toute personne connectée les lit ; la gestion les tient) et subventions
(l'équipe : la gestion les tient, la comptabilité les lit), avec le bilan par année."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from phares.lib.pagination import paginate

from .. import selectors
from ..filters_financements import PartenaireFilter, SubventionFilter
from ..forms.financements import PartenaireForm, SubventionForm
from ..models import Partenaire, Subvention
from ..roles import gestion_required, is_gestion, is_staff_member, staff_required
from ..services import ProjetsError
from ..services import financements as services
from ..services.financements import SubventionInvalide
from ._params import entier

# --- Objets d'une URL -------------------------------------------------------------------


def _partenaire_ou_404(pk: int) -> Partenaire:
    return get_object_or_404(selectors.partenaires(), pk=pk)


def _subvention_ou_404(pk: int) -> Subvention:
    return get_object_or_404(Subvention.objects.select_related("financeur", "projet"), pk=pk)


# --- Partenaires -----------------------------------------------------------------------------


@login_required
def partenaire_liste(request):
    f = PartenaireFilter(request.GET, queryset=selectors.partenaires())
    page, query = paginate(request, f.qs.order_by("nom", "pk"))
    return render(
        request,
        "projets/partenaire_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": is_gestion(request.user),
            "voit_subventions": is_staff_member(request.user),
        },
    )


@login_required
def partenaire_detail(request, pk):
    partenaire = _partenaire_ou_404(pk)
    voit_subventions = is_staff_member(request.user)
    return render(
        request,
        "projets/partenaire_detail.html",
        {
            "partenaire": partenaire,
            "projets": partenaire.projets.order_by("nom"),
            "structures": partenaire.structures.order_by("nom"),
            "subventions": (
                partenaire.subventions.select_related("projet").order_by("-debut", "pk")
                if voit_subventions
                else None
            ),
            "peut_modifier": is_gestion(request.user),
            "voit_subventions": voit_subventions,
        },
    )


def _formulaire_partenaire(request, partenaire: Partenaire | None):
    form = PartenaireForm(request.POST or None, request.FILES or None, instance=partenaire)
    if request.method == "POST" and form.is_valid():
        try:
            enregistre = services.enregistrer_partenaire(
                partenaire=form.save(commit=False),
                structures=form.cleaned_data["structures"],
                par=request.acteur,
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Partenaire « {enregistre.nom} » enregistré.")
            return redirect("projets:partenaire-detail", enregistre.pk)
    return render(request, "projets/partenaire_form.html", {"form": form, "partenaire": partenaire})


@gestion_required
def partenaire_nouveau(request):
    return _formulaire_partenaire(request, None)


@gestion_required
def partenaire_modifier(request, pk):
    return _formulaire_partenaire(request, _partenaire_ou_404(pk))


@gestion_required
@require_POST
def partenaire_archiver(request, pk):
    partenaire = _partenaire_ou_404(pk)
    try:
        services.archiver_partenaire(partenaire=partenaire, par=request.acteur)
    except ProjetsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"« {partenaire.nom} » est archivé : il disparaît des listes, ses subventions restent.",
        )
    return redirect("projets:partenaire-detail", partenaire.pk)


@gestion_required
@require_POST
def partenaire_restaurer(request, pk):
    partenaire = _partenaire_ou_404(pk)
    try:
        services.restaurer_partenaire(partenaire=partenaire, par=request.acteur)
    except ProjetsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"« {partenaire.nom} » est de nouveau dans les listes.")
    return redirect("projets:partenaire-detail", partenaire.pk)


# --- Subventions -----------------------------------------------------------------------------

_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def _totaux(qs) -> dict[str, Decimal]:
    return qs.aggregate(
        demande=Coalesce(Sum("montant_demande"), _ZERO),
        accorde=Coalesce(Sum("montant_accorde"), _ZERO),
        recu=Coalesce(Sum("montant_recu"), _ZERO),
    )


@staff_required
def subvention_liste(request):
    f = SubventionFilter(
        request.GET, queryset=Subvention.objects.select_related("financeur", "projet")
    )
    qs = f.qs.order_by("-debut", "financeur__nom", "pk")
    page, query = paginate(request, qs)
    return render(
        request,
        "projets/subvention_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "totaux": _totaux(f.qs.order_by()),
            "peut_modifier": is_gestion(request.user),
        },
    )


@staff_required
def subvention_detail(request, pk):
    return render(
        request,
        "projets/subvention_detail.html",
        {"subvention": _subvention_ou_404(pk), "peut_modifier": is_gestion(request.user)},
    )


def _formulaire_subvention(request, subvention: Subvention | None):
    initial = None
    financeur = entier(request.GET.get("financeur"))
    if subvention is None and financeur is not None:
        initial = {"financeur": financeur}
    form = SubventionForm(request.POST or None, instance=subvention, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enregistree = services.enregistrer_subvention(
                subvention=form.save(commit=False), par=request.acteur
            )
        except SubventionInvalide as exc:
            form.add_error(exc.champ if exc.champ in form.fields else None, str(exc))
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Subvention « {enregistree.intitule} » enregistrée.")
            return redirect("projets:subvention-detail", enregistree.pk)
    return render(request, "projets/subvention_form.html", {"form": form, "subvention": subvention})


@gestion_required
def subvention_nouvelle(request):
    return _formulaire_subvention(request, None)


@gestion_required
def subvention_modifier(request, pk):
    return _formulaire_subvention(request, _subvention_ou_404(pk))


@staff_required
def subvention_bilan(request):
    """Le financement de chaque année, par financeur (selectors.financement_par_annee)."""
    annees = [selectors.financement_par_annee(a) for a in selectors.annees_financees()]
    for bilan in annees:
        plus_gros = max((ligne.accorde for ligne in bilan.lignes), default=Decimal(0))
        bilan.plus_gros = plus_gros or Decimal(1)
    return render(
        request,
        "projets/subvention_bilan.html",
        {
            "annees": annees,
            "max_annee": max((b.accorde for b in annees), default=Decimal(0)) or Decimal(1),
        },
    )
