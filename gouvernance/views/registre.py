"""Registre des associés : la liste à une date (filtres, nombre par catégorie, alertes), la
fiche d'un associé (son compte de parts), l'admission, la modification, la sortie."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from phares.lib import dates
from phares.lib.pagination import paginate

from .. import selectors
from ..filters import RegistreFilter
from ..forms.registre import AdmissionForm, ModifierAssocieForm, SortieForm
from ..roles import gouvernance_required, peut_tenir_registre, registre_required
from ..services import GouvernanceError
from ..services import registre as services
from ._objets import associe_ou_404


@gouvernance_required
def registre(request):
    f = RegistreFilter(request.GET, queryset=selectors.registre())
    le = f.date
    page, query = paginate(request, f.qs.order_by("tri", "pk"))
    soldes = selectors.soldes_par_associe(le)
    comptage = selectors.comptage_par_categorie(le)
    return render(
        request,
        "gouvernance/registre.html",
        {
            "filter": f,
            "le": le,
            "page": page,
            "query": query,
            "lignes": [(a, soldes.get(a.pk)) for a in page],
            "comptage": comptage,
            "total": sum(c.nombre for c in comptage),
            "alertes": selectors.alertes_registre(le, comptage),
            "peut_modifier": peut_tenir_registre(request.user),
        },
    )


@registre_required
def associe_nouveau(request):
    form = AdmissionForm(request.POST or None, initial={"entree": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            associe = services.admettre_associe(
                structure=c["structure"],
                personne=c["personne"],
                nom=c["nom"],
                representant=c["representant"],
                representant_nom=c["representant_nom"],
                categorie=c["categorie"],
                entree=c["entree"],
                decision_admission_ref=c["decision_admission_ref"],
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{associe} est inscrit·e au registre à partir du "
                f"{dates.date_longue(associe.entree)}.",
            )
            return redirect("gouvernance:associe-detail", associe.pk)
    return render(request, "gouvernance/associe_form.html", {"form": form, "associe": None})


@gouvernance_required
def associe_detail(request, pk):
    associe = associe_ou_404(pk)
    today = timezone.localdate()
    return render(
        request,
        "gouvernance/associe_detail.html",
        {
            "associe": associe,
            "today": today,
            "solde": selectors.solde(associe, le=today),
            "mouvements": selectors.mouvements_de(associe),
            "demandes": selectors.demandes_retrait().filter(associe=associe).order_by("-date"),
            "autres_qualites": selectors.autres_qualites(associe),
            # The admission decision, when its reference is in the decisions register.
            "decision_admission": selectors.registre_des_decisions()
            .filter(reference=associe.decision_admission_ref)
            .first()
            if associe.decision_admission_ref
            else None,
            "peut_modifier": peut_tenir_registre(request.user),
        },
    )


@registre_required
def associe_modifier(request, pk):
    associe = associe_ou_404(pk)
    form = ModifierAssocieForm(request.POST or None, associe=associe)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.modifier_associe(
                associe=associe,
                categorie=c["categorie"],
                entree=c["entree"],
                representant=c.get("representant"),
                representant_nom=c.get("representant_nom", ""),
                decision_admission_ref=c["decision_admission_ref"],
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Le registre est à jour pour {associe}.")
            return redirect("gouvernance:associe-detail", associe.pk)
    return render(request, "gouvernance/associe_form.html", {"form": form, "associe": associe})


@registre_required
def associe_sortie(request, pk):
    associe = associe_ou_404(pk)
    initial = {
        "sortie": associe.sortie or timezone.localdate(),
        "motif": associe.motif_sortie,
        "precisions": associe.precisions_sortie,
        "demander_remboursement": True,
    }
    form = SortieForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.sortir_associe(
                associe=associe,
                sortie=c["sortie"],
                motif=c["motif"],
                precisions=c["precisions"],
                demander_remboursement=c["demander_remboursement"],
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Sortie de {associe} enregistrée : associé jusqu'au "
                f"{dates.date_longue(c['sortie'])} inclus.",
            )
            return redirect("gouvernance:associe-detail", associe.pk)
    return render(
        request,
        "gouvernance/associe_sortie.html",
        {
            "form": form,
            "associe": associe,
            "solde": selectors.solde(associe, le=timezone.localdate()),
        },
    )
