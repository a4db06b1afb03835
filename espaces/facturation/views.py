"""Pages de la facturation : la liste (équipe : tout ; référent·e : ses factures émises), la
préparation d'un mois, un brouillon à revoir, l'émission, le PDF, la coopérative."""

import datetime
import hashlib
import logging
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HTMX_STOP_POLLING

from espaces import selectors as espaces_selectors
from habitants import selectors as habitants_selectors
from phares.lib.money import format_euros
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

from . import comptes, exports, reglements, rendu, selectors, sepa, services
from .filters import FactureFilter, PaiementFilter
from .forms import (
    AnnulationPaiementForm,
    AnnulationRemiseForm,
    AvoirForm,
    ComptesForm,
    CooperativeForm,
    EmettreForm,
    LigneForm,
    MandatForm,
    MoisForm,
    PaiementForm,
    PeriodeForm,
    RemiseForm,
)
from .models import Cooperative, Facture, LigneFacture, Lot, MandatSepa, Paiement, Prelevement
from .services import FacturationError

logger = logging.getLogger(__name__)


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
    visibles = selectors.factures_visibles(request.user)
    qs = selectors.avec_soldes(visibles)
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
    aujourd_hui = timezone.localdate()
    for facture in page:
        facture.etat = selectors.etat(facture, aujourd_hui)
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
            # From the plain visible invoices: re-reading the annotated list through its ids
            # compiled the balances twice for three sums.
            "a_regler": None if staff else selectors.a_regler(visibles, aujourd_hui),
            "mandats": None
            if staff
            else selectors.mandats_actifs(habitants_selectors.structures_du_referent(request.user)),
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
    reglement = {}
    if facture.est_emise and not facture.est_avoir:
        facture = _soldes(facture)
        reste = selectors.reste(facture)
        reglement = {
            "etat": selectors.etat(facture, timezone.localdate()),
            "reste": reste,
            "trop_percu": -reste if reste < 0 else None,
            "imputations": selectors.paiements_de(facture),
            "avoirs": facture.avoirs.emises().order_by("rang"),
            "relances": facture.relances.order_by("-envoyee_le")[:5] if staff else (),
            "remise": selectors.remise_de(facture) if facture.presentee else None,
        }
    return render(
        request,
        "facturation/facture_detail.html",
        {
            "facture": facture,
            "lignes": facture.lignes.select_related("part_emploi"),
            "staff": staff,
            **reglement,
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


# --- Paiements, avoirs, impayés -------------------------------------------------------------


def _client_de(cle: str):
    """« s-12 » -> (structure 12, None) ; « c-3 » -> (None, client extérieur 3) ; 404 sinon."""
    genre, _, pk = (cle or "").partition("-")
    if not pk.isdigit():
        raise Http404("Client introuvable.")
    if genre == "s":
        return get_object_or_404(habitants_selectors.toutes_structures(), pk=pk), None
    if genre == "c":
        return None, get_object_or_404(espaces_selectors.clients_externes(), pk=pk)
    raise Http404("Client introuvable.")


def _soldes(facture: Facture) -> Facture:
    return selectors.avec_soldes(Facture.objects.filter(pk=facture.pk)).get()


@staff_required
def paiement_nouveau(request):
    """Un paiement d'un client, sur une ou plusieurs de ses factures dues. Sans client
    choisi : la liste des clients qui doivent quelque chose."""
    cle = request.GET.get("client") or request.POST.get("client")
    if not cle:
        return render(
            request,
            "facturation/paiement_client.html",
            {"clients": selectors.clients_debiteurs(timezone.localdate())},
        )
    structure, externe = _client_de(cle)
    factures = selectors.factures_dues_du_client(structure=structure, client_externe=externe)
    # From an invoice's page: that invoice; from the client list: all that is due.
    cochees = [f for f in factures if str(f.pk) in request.GET.getlist("facture")] or factures
    form = PaiementForm(
        request.POST or None,
        factures=factures,
        initial={
            "factures": [f.pk for f in cochees],
            "date": timezone.localdate(),
            "montant": sum((selectors.reste(f) for f in cochees), Decimal("0.00")),
            "moyen": Paiement.Moyen.VIREMENT,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            paiement = reglements.enregistrer_paiement(
                structure=structure, client_externe=externe, par=request.acteur, **form.cleaned_data
            )
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Paiement de {format_euros(paiement.montant)} enregistré.")
            return redirect("facturation:paiement", pk=paiement.pk)
    return render(
        request,
        "facturation/paiement_form.html",
        {"form": form, "client": structure or externe, "cle": cle, "factures": factures},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
def paiement_liste(request):
    f = PaiementFilter(
        request.GET,
        queryset=Paiement.objects.select_related("structure", "client_externe").prefetch_related(
            "imputations__facture"
        ),
        request=request,
    )
    paiements = f.qs.order_by("-date", "-pk") if f.is_valid() else Paiement.objects.none()
    page, query = paginate(request, paiements)
    return render(
        request,
        "facturation/paiement_liste.html",
        {"filter": f, "page": page, "query": query},
    )


@staff_required
def paiement_detail(request, pk, *, form=None):
    paiement = get_object_or_404(
        Paiement.objects.select_related("structure", "client_externe", "enregistre_par"), pk=pk
    )
    return render(
        request,
        "facturation/paiement_detail.html",
        {
            "paiement": paiement,
            "imputations": paiement.imputations.select_related("facture"),
            "form": None if paiement.est_annule else form or AnnulationPaiementForm(),
        },
        status=400 if form is not None else 200,
    )


@staff_required
@require_POST
def paiement_annuler(request, pk):
    paiement = get_object_or_404(Paiement, pk=pk)
    form = AnnulationPaiementForm(request.POST)
    if form.is_valid():
        try:
            reglements.annuler_paiement(
                paiement=paiement, motif=form.cleaned_data["motif"], par=request.acteur
            )
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Paiement annulé : il ne règle plus aucune facture.")
            return redirect("facturation:paiement", pk=pk)
    return paiement_detail(request, pk, form=form)


@staff_required
def avoir_nouveau(request, pk):
    facture = get_object_or_404(Facture.objects.emises().filter(type=Facture.Type.FACTURE), pk=pk)
    lignes = reglements.lignes_creditables(facture)
    form = AvoirForm(
        request.POST or None,
        lignes=lignes,
        initial={"lignes": [lg.pk for lg in lignes], "date_emission": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            avoir = reglements.emettre_avoir(
                facture=facture,
                lignes=form.cleaned_data["lignes"],
                motif=form.cleaned_data["motif"],
                le=form.cleaned_data["date_emission"],
                par=request.acteur,
            )
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{avoir} émis : il corrige {facture.numero}.")
            return redirect("facturation:detail", pk=avoir.pk)
    return render(
        request,
        "facturation/avoir_form.html",
        {"form": form, "facture": facture, "lignes": lignes},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
def impayes(request):
    return render(
        request,
        "facturation/impayes.html",
        {"groupes": selectors.impayes_par_client(timezone.localdate())},
    )


@staff_required
@require_POST
def relancer_tous(request):
    """Relance en tâche de fond tous les clients en retard, puis montre l'avancement."""
    try:
        lot = reglements.lancer_relances(par=request.acteur)
    except services.LotEnCours as exc:
        messages.info(request, str(exc))
        if exc.lot is None:
            return redirect("facturation:impayes")
        return redirect("facturation:lot", pk=exc.lot.pk)
    except FacturationError as exc:
        messages.error(request, str(exc))
        return redirect("facturation:impayes")
    return redirect("facturation:lot", pk=lot.pk)


@staff_required
@require_POST
def relancer(request):
    try:
        structure, externe = _client_de(request.POST.get("client", ""))
    except Http404:
        messages.error(request, "Ce client n'existe plus : rechargez la liste des impayés.")
        return redirect("facturation:impayes")
    try:
        factures = reglements.relancer(
            structure=structure, client_externe=externe, par=request.acteur
        )
    except FacturationError as exc:
        messages.error(request, str(exc))
    except Exception:
        # The mail server refused: nothing was recorded (the sending is part of the
        # operation); the trace is logged for whoever runs the site.
        logger.exception("Relance impossible")
        messages.error(
            request, "L'e-mail de relance n'a pas pu partir : rien n'a été noté. Réessayez."
        )
    else:
        messages.success(
            request,
            f"Relance envoyée à {structure or externe} pour {len(factures)} facture(s).",
        )
    return redirect("facturation:impayes")


# --- Exports pour la comptabilité -----------------------------------------------------------


def _periode_demandee(request, *, exiger: bool):
    """Le formulaire de la période et la période s'il est valide. Sans du ni au, la page
    propose le dernier mois complet ; un téléchargement exige sa période (`exiger`)."""
    aujourd_hui = timezone.localdate()
    if not exiger and "du" not in request.GET and "au" not in request.GET:
        defaut = exports.periode_par_defaut(aujourd_hui)
        form = PeriodeForm(initial={"du": defaut.du, "au": defaut.au}, aujourd_hui=aujourd_hui)
        return form, defaut
    form = PeriodeForm(request.GET, aujourd_hui=aujourd_hui)
    return form, form.periode if form.is_valid() else None


def _page_exports(request, form, periode):
    return render(
        request,
        "facturation/exports.html",
        {
            "form": form,
            "periode": periode,
            "resume": exports.resume(periode) if periode else None,
            "exports": exports.EXPORTS.values(),
        },
        status=200 if periode else 400,
    )


@staff_required
def exports_page(request):
    form, periode = _periode_demandee(request, exiger=False)
    return _page_exports(request, form, periode)


@staff_required
def export_fichier(request, nom):
    export = exports.EXPORTS.get(nom)
    if export is None:
        raise Http404("Export inconnu.")
    form, periode = _periode_demandee(request, exiger=True)
    if periode is None:
        # The page again, with the form's messages: no file.
        return _page_exports(request, form, None)
    response = StreamingHttpResponse(export.flux(periode), content_type=export.format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.nom_fichier(periode)}"'
    return response


@staff_required
def comptes_page(request):
    """Les comptes du journal des ventes : la gestion les choisit, la comptabilité les lit."""
    peut_modifier = is_gestion(request.user)
    if request.method == "POST" and not peut_modifier:
        raise PermissionDenied
    form = ComptesForm(
        request.POST if request.method == "POST" else None, plan=comptes.plan_comptable()
    )
    if form.is_bound and form.is_valid():
        try:
            changes = services.enregistrer_comptes(comptes=form.plan_saisi, par=request.acteur)
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            if changes:
                messages.success(request, f"Comptes enregistrés ({changes} changé(s)).")
            else:
                messages.info(request, "Aucun compte n'a changé.")
            return redirect("facturation:comptes")
    return render(
        request,
        "facturation/comptes.html",
        {"form": form, "peut_modifier": peut_modifier},
        status=400 if form.is_bound else 200,
    )


# --- Prélèvement SEPA -------------------------------------------------------------------------


@staff_required
def mandat_liste(request):
    return render(request, "facturation/mandat_liste.html", {"mandats": selectors.mandats()})


@staff_required
def mandat_nouveau(request):
    donnees = request.POST if request.method == "POST" else None
    form = MandatForm(donnees, initial={"date_signature": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            mandat = sepa.creer_mandat(par=request.acteur, **form.cleaned_data)
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Mandat {mandat.reference} de {mandat.structure} enregistré."
            )
            return redirect("facturation:mandats")
    return render(
        request,
        "facturation/mandat_form.html",
        {"form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def mandat_revoquer(request, pk):
    mandat = get_object_or_404(MandatSepa.objects.select_related("structure"), pk=pk)
    retour = reverse("facturation:mandats")
    if not mandat.est_actif:
        messages.info(request, "Ce mandat est déjà révoqué.")
        return redirect(retour)
    if request.method == "GET":
        return render(
            request,
            "includes/confirmer.html",
            {
                "titre": f"Révoquer le mandat {mandat.reference}",
                "question": f"Révoquer le mandat de prélèvement de {mandat.structure} "
                f"({mandat.iban_masque}) ?",
                "consequences": [
                    "Ses factures ne pourront plus être mises dans une remise de prélèvements.",
                    "Une remise déjà générée n'est pas modifiée : annulez-la si elle ne doit "
                    "pas partir.",
                    "Pour prélever à nouveau, il faudra un nouveau mandat signé (nouvelle RUM).",
                ],
                "bouton": "Révoquer le mandat",
                "retour": retour,
            },
        )
    try:
        sepa.revoquer_mandat(mandat=mandat, par=request.acteur)
    except FacturationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Mandat {mandat.reference} de {mandat.structure} révoqué.")
    return redirect(retour)


def _remises():
    # The XML can weigh a megabyte: pages that do not serve it do not read it.
    return Prelevement.objects.defer("xml").select_related("cree_par", "cloturee_par")


@staff_required
def remise_liste(request):
    page, query = paginate(request, _remises().order_by("-date_prelevement", "-pk"))
    return render(request, "facturation/remise_liste.html", {"page": page, "query": query})


@staff_required
def remise_nouvelle(request):
    """Les factures dues des structures qui ont un mandat actif, toutes cochées, et la date
    de prélèvement (une semaine plus tard par défaut)."""
    try:
        sepa.cooperative_creanciere()
    except FacturationError as exc:
        probleme = str(exc)
    else:
        probleme = None
    factures = list(selectors.prelevables())
    mandats = {
        m.structure_id: m for m in selectors.mandats_actifs([f.structure_id for f in factures])
    }
    form = RemiseForm(
        request.POST if request.method == "POST" else None,
        factures=factures,
        mandats=mandats,
        initial={
            "factures": [f.pk for f in factures],
            "date_prelevement": timezone.localdate() + datetime.timedelta(days=7),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            remise = sepa.generer_remise(par=request.acteur, **form.cleaned_data)
        except FacturationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{remise} générée : {remise.nombre} prélèvement(s), {format_euros(remise.total)}."
                " Téléchargez le fichier et déposez-le sur le site de la banque.",
            )
            return redirect("facturation:prelevement", pk=remise.pk)
    return render(
        request,
        "facturation/remise_form.html",
        {
            "form": form,
            "factures": factures,
            "probleme": probleme,
            "total": sum((selectors.reste(f) for f in factures), Decimal("0.00")),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_required
def remise_detail(request, pk, *, form=None):
    remise = get_object_or_404(_remises(), pk=pk)
    return render(
        request,
        "facturation/remise_detail.html",
        {
            "remise": remise,
            "lignes": remise.lignes.select_related(
                "facture__structure", "mandat", "paiement"
            ).order_by("pk"),
            "form": (form or AnnulationRemiseForm()) if remise.est_ouverte else None,
            "encaissable": remise.est_ouverte and remise.date_prelevement <= timezone.localdate(),
        },
        status=400 if form is not None else 200,
    )


@staff_required
def remise_xml(request, pk):
    remise = get_object_or_404(Prelevement, pk=pk)
    if remise.statut == Prelevement.Statut.ANNULEE:
        messages.error(
            request,
            "Cette remise est annulée : son fichier ne se télécharge plus (il prélèverait des "
            "factures redevenues dues).",
        )
        return redirect("facturation:prelevement", pk=pk)
    contenu = remise.xml.encode("utf-8")
    if hashlib.sha256(contenu).hexdigest() != remise.sha256:
        logger.error("Remise %s : le fichier gardé ne correspond plus à son empreinte", pk)
        messages.error(
            request,
            "Le fichier gardé ne correspond plus à son empreinte SHA-256 : ne l'envoyez pas, "
            "prévenez la personne qui administre le site.",
        )
        return redirect("facturation:prelevement", pk=pk)
    response = HttpResponse(contenu, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{remise.nom_fichier}"'
    return response


@staff_required
@require_POST
def remise_encaisser(request, pk):
    remise = get_object_or_404(_remises(), pk=pk)
    try:
        paiements = sepa.encaisser_remise(remise=remise, par=request.acteur)
    except FacturationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{remise} encaissée : {len(paiements)} paiement(s) enregistré(s), "
            f"{format_euros(remise.total)}.",
        )
    return redirect("facturation:prelevement", pk=pk)


@staff_required
@require_POST
def remise_annuler(request, pk):
    remise = get_object_or_404(_remises(), pk=pk)
    form = AnnulationRemiseForm(request.POST)
    if form.is_valid():
        try:
            sepa.annuler_remise(remise=remise, motif=form.cleaned_data["motif"], par=request.acteur)
        except FacturationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{remise} annulée : ses factures redeviennent dues.")
        return redirect("facturation:prelevement", pk=pk)
    return remise_detail(request, pk, form=form)
