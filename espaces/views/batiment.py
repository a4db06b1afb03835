"""Pages du bâtiment (équipe) : occupation, fiches des espaces et leurs règles de
réservation, bâtiment et niveaux, conventions d'occupation."""

from django.contrib import messages
from django.core.validators import slug_re
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from phares.forms import style_form
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, staff_required

from .. import selectors, services
from ..filters import ConventionFilter, EspaceFilter
from ..forms._champs import parse_date
from ..forms.batiment import (
    BatimentForm,
    ConventionForm,
    EspaceForm,
    EtageFormSet,
    TerminerConventionForm,
)
from ..forms.reservations import RegleForm
from ..models import Batiment, Convention, Espace, Ressource
from ..services import EspacesError


def _espace(slug) -> Espace:
    return get_object_or_404(Espace.objects.select_related("etage"), slug=slug)


# --- Bâtiment et espaces (équipe) ----------------------------------------------------


@staff_required
def batiment(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    occupation = selectors.occupation(le=le)
    f = EspaceFilter(_avec_date(request.GET, le), queryset=Espace.objects.select_related("etage"))
    f.form.auto_id = "filtre_%s"  # the occupation date form above uses id_date
    return render(
        request,
        "espaces/batiment.html",
        {
            "batiment": selectors.batiment(),
            "occupation": occupation,
            "filter": f,
            "espaces": f.qs.order_by("etage__niveau", "nom"),
            "le": le,
            "peut_modifier": is_gestion(request.user),
        },
    )


def _avec_date(query, le):
    """Les filtres « libres / occupés » valent à la date affichée : le champ la reprend."""
    data = query.copy()
    data["date"] = le.isoformat()
    return data


def _enregistrer_espace(request, form: EspaceForm) -> Espace | None:
    """L'espace enregistré, ou None (le refus est ajouté au formulaire)."""
    try:
        return services.enregistrer_espace(
            espace=form.save(commit=False),
            reservable=bool(form.cleaned_data.get("reservable")),
            ouverte_aux_externes=bool(form.cleaned_data.get("ouverte_aux_externes")),
            par=request.acteur,
        )
    except EspacesError as exc:
        form.add_error(None, str(exc))
        return None


@gestion_required
def espace_nouveau(request):
    form = EspaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        espace = _enregistrer_espace(request, form)
        if espace is not None:
            messages.success(request, f"L'espace « {espace.nom} » est créé.")
            return redirect("espaces:espace-detail", espace.slug)
    return render(request, "espaces/espace_form.html", {"form": form, "espace": None})


@staff_required
def espace_detail(request, slug):
    espace = _espace(slug)
    conventions = espace.conventions.select_related("structure").order_by("-debut")
    ressource = Ressource.objects.filter(espace=espace).first()
    return render(
        request,
        "espaces/espace_detail.html",
        {
            "espace": espace,
            "conventions": conventions,
            "ressource": ressource,
            "peut_modifier": is_gestion(request.user),
        },
    )


@gestion_required
def espace_modifier(request, slug):
    espace = _espace(slug)
    form = EspaceForm(request.POST or None, request.FILES or None, instance=espace)
    if request.method == "POST" and form.is_valid() and _enregistrer_espace(request, form):
        messages.success(request, "Les modifications sont enregistrées.")
        return redirect("espaces:espace-detail", espace.slug)
    return render(request, "espaces/espace_form.html", {"form": form, "espace": _espace(slug)})


@gestion_required
def espace_regles(request, slug):
    espace = _espace(slug)
    ressource = get_object_or_404(Ressource, espace=espace)
    form = RegleForm(request.POST or None, instance=ressource)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_regles(
                ressource=ressource,
                regles={name: form.cleaned_data[name] for name in RegleForm.Meta.fields},
                par=request.acteur,
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Les règles de réservation sont enregistrées.")
            return redirect("espaces:espace-detail", espace.slug)
    return render(
        request,
        "espaces/regles_form.html",
        {"form": form, "espace": espace, "ressource": ressource},
    )


@gestion_required
def batiment_modifier(request):
    """Le bâtiment (un seul par instance) et ses niveaux."""
    instance = selectors.batiment() or Batiment()
    form = BatimentForm(request.POST or None, instance=instance)
    etages = EtageFormSet(request.POST or None, instance=instance, prefix="etages")
    for f in etages.forms:
        style_form(f)
    if request.method == "POST" and form.is_valid() and etages.is_valid():
        try:
            services.enregistrer_batiment(
                batiment=form.save(commit=False),
                etages=etages.save(commit=False),
                par=request.acteur,
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Le bâtiment est enregistré.")
            return redirect("espaces:batiment")
    return render(request, "espaces/batiment_form.html", {"form": form, "etages": etages})


# --- Conventions d'occupation -------------------------------------------------------------


@staff_required
def convention_liste(request):
    f = ConventionFilter(
        request.GET,
        queryset=Convention.objects.select_related("structure", "espace").order_by(
            "espace__nom", "poste", "-debut"
        ),
    )
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/convention_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": is_gestion(request.user),
            "today": timezone.localdate(),
        },
    )


@gestion_required
def convention_nouvelle(request):
    initial = {}
    # Only a slug reaches the query: PostgreSQL refuses a NUL byte with an error.
    if slug_re.match(request.GET.get("espace", "")):
        initial["espace"] = Espace.objects.filter(slug=request.GET["espace"]).first()
    form = ConventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            convention = services.creer_convention(
                structure=c["structure"],
                espace=c["espace"],
                debut=c["debut"],
                fin=c.get("fin"),
                poste=c.get("poste"),
                montant_mensuel_ht=c.get("montant_mensuel_ht"),
                notes=c.get("notes", ""),
                par=request.acteur,
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Convention enregistrée : {convention}.")
            return redirect("espaces:convention-liste")
    return render(request, "espaces/convention_form.html", {"form": form})


@gestion_required
def convention_terminer(request, pk):
    convention = get_object_or_404(Convention.objects.select_related("structure", "espace"), pk=pk)
    form = TerminerConventionForm(request.POST or None, initial={"fin": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer_convention(
                convention=convention, fin=form.cleaned_data["fin"], par=request.acteur
            )
        except EspacesError as exc:
            form.add_error("fin", str(exc))
        else:
            messages.success(request, "La convention est terminée.")
            return redirect("espaces:convention-liste")
    return render(
        request, "espaces/convention_terminer.html", {"form": form, "convention": convention}
    )
