"""Tarifs (ajout, fin, remplacement), forfaits d'heures de salle et consommations
(affranchissement, impression)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates
from phares.lib.money import format_prix_unitaire
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

from .. import selectors, services
from ..filters import ConsommationFilter
from ..forms.tarifs import (
    ConsommationForm,
    ForfaitForm,
    RemplacerTarifForm,
    TarifForm,
    TerminerTarifForm,
)
from ..models import ForfaitSalles, Tarif
from ..services import EspacesError


@staff_required
def tarif_liste(request):
    form = TarifForm(request.POST or None) if is_gestion(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.enregistrer_tarif(tarif=form.save(commit=False), par=request.acteur)
            except EspacesError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Tarif enregistré.")
                return redirect("espaces:tarif-liste")
    tarifs = Tarif.objects.select_related("ressource").order_by("code", "-debut")
    return render(
        request,
        "espaces/tarif_liste.html",
        {
            "tarifs": tarifs,
            "form": form,
            "today": timezone.localdate(),
            "peut_modifier": form is not None,
        },
    )


def _tarif_non_termine(pk) -> Tarif:
    """Un tarif sans fin, ou dont la fin n'est pas encore passée (404 sinon)."""
    today = timezone.localdate()
    tarif = get_object_or_404(Tarif.objects.select_related("ressource"), pk=pk)
    if tarif.fin is not None and tarif.fin < today:
        raise Http404("Ce tarif est déjà terminé.")
    return tarif


@gestion_required
def tarif_terminer(request, pk):
    tarif = _tarif_non_termine(pk)
    form = TerminerTarifForm(request.POST or None, initial={"fin": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer_tarif(tarif=tarif, fin=form.cleaned_data["fin"], par=request.acteur)
        except EspacesError as exc:
            form.add_error("fin", str(exc))
        else:
            messages.success(
                request,
                f"Le tarif « {tarif.get_code_display()} » se termine le "
                f"{dates.date_courte(form.cleaned_data['fin'])}.",
            )
            return redirect("espaces:tarif-liste")
    return render(request, "espaces/tarif_terminer.html", {"form": form, "tarif": tarif})


@gestion_required
def tarif_remplacer(request, pk):
    tarif = _tarif_non_termine(pk)
    initial = {
        "montant_ht": tarif.montant_ht,
        "taux_tva": tarif.taux_tva,
        "mention_exoneration": tarif.mention_exoneration,
    }
    form = RemplacerTarifForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            nouveau = services.remplacer_tarif(
                tarif=tarif,
                a_partir_du=c["a_partir_du"],
                montant_ht=c["montant_ht"],
                taux_tva=c["taux_tva"],
                mention_exoneration=c["mention_exoneration"],
                par=request.acteur,
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Nouveau tarif « {nouveau.get_code_display()} » : "
                f"{format_prix_unitaire(nouveau.montant_ht)} HT à partir du "
                f"{dates.date_courte(nouveau.debut)}.",
            )
            return redirect("espaces:tarif-liste")
    return render(request, "espaces/tarif_remplacer.html", {"form": form, "tarif": tarif})


@login_required
def consommation_liste(request):
    staff = is_staff_member(request.user)
    # Members read their structures' history, departed ones included (the menu shows the
    # page to them); they record only for structures present today.
    structures = (
        habitants_selectors.structures_actives()
        if staff
        else habitants_selectors.structures_of_member(request.user).order_by("nom")
    )
    if not staff and not structures.exists():
        raise PermissionDenied
    pour = selectors.structures_saisie_consommation(request.user)
    if not pour.exists():
        pour = None  # read-only page
    if request.method == "POST" and pour is None:
        raise PermissionDenied
    f = ConsommationFilter(
        request.GET, queryset=selectors.consommations(structures), structures=structures
    )
    f.form.auto_id = "filtre_%s"  # the entry form on the same page uses id_*
    form = None
    if pour is not None:
        initial = {"date": timezone.localdate()}
        # « Mon espace » links here with its structure: preselected when there are several.
        if re.fullmatch(r"[0-9]{1,18}", request.GET.get("structure", "")):
            initial["structure"] = pour.filter(pk=int(request.GET["structure"])).first()
        form = ConsommationForm(request.POST or None, structures=pour, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.enregistrer_consommation(
                structure=c["structure"],
                service=c["service"],
                date=c["date"],
                quantite=c["quantite"],
                par=request.acteur,
                commentaire=c.get("commentaire", ""),
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Consommation enregistrée : {c['quantite']} × "
                f"{dict(form.fields['service'].choices)[c['service']].lower()} pour "
                f"{c['structure'].nom}.",
            )
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
                par=request.acteur,
            )
        except EspacesError as exc:
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
