"""Tarifs, forfaits d'heures de salle et consommations (affranchissement, impression)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

from .. import selectors, services
from ..filters import ConsommationFilter
from ..forms.tarifs import ConsommationForm, ForfaitForm, TarifForm
from ..models import ForfaitSalles, Tarif
from ._acces import structures_reservantes


@staff_required
def tarif_liste(request):
    form = TarifForm(request.POST or None) if is_gestion(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.enregistrer_tarif(tarif=form.save(commit=False), par=request.user)
            except services.EspacesError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Tarif enregistré.")
                return redirect("espaces:tarif-liste")
    tarifs = Tarif.objects.select_related("ressource").order_by("code", "-debut")
    return render(
        request,
        "espaces/tarif_liste.html",
        {"tarifs": tarifs, "form": form, "today": timezone.localdate()},
    )


@login_required
def consommation_liste(request):
    staff = is_staff_member(request.user)
    structures = (
        habitants_selectors.structures_actives() if staff else structures_reservantes(request.user)
    )
    if not staff and not structures.exists():
        raise PermissionDenied
    f = ConsommationFilter(
        request.GET, queryset=selectors.consommations(structures), structures=structures
    )
    f.form.auto_id = "filtre_%s"  # the entry form on the same page uses id_*
    form = ConsommationForm(
        request.POST or None, structures=structures, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.enregistrer_consommation(
                structure=c["structure"],
                service=c["service"],
                date=c["date"],
                quantite=c["quantite"],
                par=request.user,
                commentaire=c.get("commentaire", ""),
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Consommation enregistrée.")
            return redirect("espaces:consommation-liste")
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/consommation_liste.html",
        {"filter": f, "page": page, "form": form, "query": query},
    )


@gestion_required
def forfaits(request):
    initial = {"debut": timezone.localdate().replace(day=1)}
    if request.GET.get("structure", "").isdigit():
        initial["structure"] = request.GET["structure"]
    form = ForfaitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.definir_forfait(
                structure=c["structure"],
                heures_par_mois=c["heures_par_mois"],
                debut=c["debut"],
                par=request.user,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Forfait de {c['structure']} enregistré.")
            return redirect("espaces:forfaits")
    today = timezone.localdate()
    courants = (
        ForfaitSalles.objects.filter(dates.active_on(today))
        .select_related("structure")
        .order_by("structure__nom")
    )
    return render(request, "espaces/forfaits.html", {"form": form, "forfaits": courants})
