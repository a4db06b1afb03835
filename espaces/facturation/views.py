"""Pages de la facturation : la liste (équipe : tout ; référent·e : ses factures émises), la
préparation d'un mois, un brouillon à revoir, l'émission, le PDF, la coopérative."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HTMX_STOP_POLLING

from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

from . import rendu, selectors, services
from .filters import FactureFilter
from .forms import CooperativeForm, EmettreForm, LigneForm, MoisForm
from .models import Cooperative, Facture, LigneFacture, Lot
from .services import FacturationError


def _facture_visible(request, pk) -> Facture:
    """La facture si `request.user` la voit ; 403 pour un membre (non référent) de la
    structure facturée ; 404 sinon (on ne révèle pas les factures des autres)."""
    facture = selectors.factures_visibles(request.user).filter(pk=pk).first()
    if facture is None:
        if selectors.facture_de_ses_structures(request.user, pk):
            raise PermissionDenied
        raise Http404("Facture introuvable.")
    return facture


def _brouillon(pk) -> Facture:
    return get_object_or_404(Facture.objects.brouillons(), pk=pk)


@login_required
def facture_liste(request):
    staff = is_staff_member(request.user)
    qs = selectors.factures_visibles(request.user)
    if not staff and not selectors.est_referent(request.user):
        # A member who is not a référent: billing is the référents' business.
        raise PermissionDenied
    f = FactureFilter(request.GET, queryset=qs, request=request)
    if not staff:
        # A référent sees issued documents of their own structures: nothing to choose there.
        for nom in ("statut", "structure"):
            f.filters.pop(nom)
    factures = f.qs.order_by("-mois", "statut", "-rang", "pk") if f.is_valid() else qs.none()
    page, query = paginate(request, factures)
    brouillons = lots = None
    if staff:
        lots = selectors.lots_a_suivre()
        # A month whose issue is under way links to its progress instead of a second launch.
        en_cours = {
            lot.mois: lot for lot in lots if not lot.est_fini and lot.nature == Lot.Nature.EMISSION
        }
        brouillons = [
            {**b, "lot": en_cours.get(b["mois"])}
            for b in Facture.objects.brouillons()
            .values("mois")
            .annotate(nombre=Count("pk"), total=Sum("total_ttc"))
            .order_by("-mois")
        ]
    return render(
        request,
        "facturation/facture_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "staff": staff,
            "brouillons_par_mois": brouillons,
            "lots": lots,
            # Its own ids: the filter form below has a "mois" field too.
            "mois_form": MoisForm(
                initial={"mois": f"{timezone.localdate():%Y-%m}"}, auto_id="preparer_%s"
            )
            if staff
            else None,
        },
    )


@staff_required
@require_POST
def preparer_mois(request):
    form = MoisForm(request.POST)
    if form.is_valid():
        try:
            bilan = services.preparer_mois(mois=form.cleaned_data["mois"], par=request.acteur)
        except FacturationError as exc:
            form.add_error("mois", str(exc))
        else:
            messages.success(request, bilan.message)
            return redirect(
                f"{reverse('facturation:liste')}?statut=brouillon&mois="
                f"{form.cleaned_data['mois']:%Y-%m}"
            )
    return _retour_liste(request, form)


def _retour_liste(request, form):
    """Le formulaire du mois est sur la liste : ses erreurs y reviennent en messages."""
    for err in form.errors.get("mois", []):
        messages.error(request, err)
    return redirect("facturation:liste")


@staff_required
@require_POST
def emettre_mois(request):
    """Lance l'émission du mois en tâche de fond, puis montre son avancement."""
    form = MoisForm(request.POST)
    if not form.is_valid():
        return _retour_liste(request, form)
    try:
        lot = services.lancer_emission_du_mois(mois=form.cleaned_data["mois"], par=request.acteur)
    except services.LotEnCours as exc:
        messages.info(request, str(exc))
        if exc.lot is None:
            return redirect("facturation:liste")
        return redirect("facturation:lot", pk=exc.lot.pk)
    except FacturationError as exc:
        messages.error(request, str(exc))
        return redirect("facturation:liste")
    return redirect("facturation:lot", pk=lot.pk)


@staff_required
@require_GET
def lot_detail(request, pk):
    """L'avancement d'un lot ; htmx relit la même adresse toutes les deux secondes tant que
    le lot tourne : rien de neuf, 204 (rien ne change à l'écran, rien n'est réannoncé) ;
    fini, 286 (htmx arrête d'interroger)."""
    lot = get_object_or_404(Lot.objects.select_related("lance_par"), pk=pk)
    if request.htmx:
        if request.GET.get("etat") == lot.etat:
            reponse = HttpResponse(status=204)
        else:
            reponse = render(
                request,
                "facturation/_lot_avancement.html",
                {"lot": lot, "oob": True},
                status=HTMX_STOP_POLLING if lot.est_fini else 200,
            )
    else:
        reponse = render(request, "facturation/lot_detail.html", {"lot": lot})
    # Same address, two answers (page, fragment): a cache must keep them apart.
    patch_vary_headers(reponse, ["HX-Request"])
    return reponse


@login_required
def facture_detail(request, pk):
    return _page_detail(request, _facture_visible(request, pk))


def _page_detail(request, facture, *, ligne_form=None, status=200):
    """La facture ; sur un brouillon, pour l'équipe, les formulaires d'ajout et d'émission
    (`ligne_form` : celui qu'on vient d'envoyer, avec ses erreurs)."""
    staff = is_staff_member(request.user)
    modifiable = staff and not facture.est_emise
    return render(
        request,
        "facturation/facture_detail.html",
        {
            "facture": facture,
            "lignes": facture.lignes.all(),
            "staff": staff,
            "ligne_form": (ligne_form or LigneForm()) if modifiable else None,
            "emettre_form": EmettreForm(initial={"date_emission": timezone.localdate()})
            if modifiable
            else None,
        },
        status=status,
    )


@staff_required
@require_POST
def ligne_ajouter(request, pk):
    facture = _brouillon(pk)
    form = LigneForm(request.POST)
    if form.is_valid():
        try:
            services.ajouter_ligne(facture=facture, par=request.acteur, **form.cleaned_data)
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ligne ajoutée.")
            return redirect("facturation:detail", pk=facture.pk)
    return _page_detail(request, facture, ligne_form=form, status=400)


@staff_required
@require_POST
def ligne_retirer(request, pk, ligne_pk):
    ligne = get_object_or_404(
        LigneFacture.objects.select_related("facture"), pk=ligne_pk, facture_id=pk
    )
    try:
        services.retirer_ligne(ligne=ligne, par=request.acteur)
    except FacturationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Ligne retirée.")
    return redirect("facturation:detail", pk=pk)


@staff_required
@require_POST
def facture_emettre(request, pk):
    facture = get_object_or_404(Facture, pk=pk)
    form = EmettreForm(request.POST)
    if form.is_valid():
        try:
            facture = services.emettre(
                facture=facture, par=request.acteur, le=form.cleaned_data["date_emission"]
            )
        except FacturationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{facture} émise.")
    else:
        for errs in form.errors.values():
            for err in errs:
                messages.error(request, err)
    return redirect("facturation:detail", pk=pk)


@staff_required
@require_POST
def brouillon_supprimer(request, pk):
    facture = _brouillon(pk)
    try:
        services.supprimer_brouillon(facture=facture, par=request.acteur)
    except FacturationError as exc:
        messages.error(request, str(exc))
        return redirect("facturation:detail", pk=pk)
    messages.success(request, "Brouillon supprimé.")
    return redirect("facturation:liste")


@login_required
def facture_pdf(request, pk):
    facture = _facture_visible(request, pk)
    if facture.est_emise:
        contenu = bytes(facture.document.contenu)
        nom = f"{facture.numero}.pdf"
    else:
        # A draft preview: same layout, marked as a draft, never a legal document.
        contenu = rendu.apercu(services.document(facture))
        nom = f"brouillon-{facture.pk}.pdf"
    response = HttpResponse(contenu, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("telecharger") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    return response


@gestion_required
def cooperative(request):
    instance = Cooperative.objects.order_by("pk").first()
    form = CooperativeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.enregistrer_cooperative(form=form, par=request.acteur)
        messages.success(request, "Coordonnées de la coopérative enregistrées.")
        return redirect("facturation:cooperative")
    return render(
        request,
        "facturation/cooperative.html",
        {"form": form, "peut_modifier": is_gestion(request.user)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
