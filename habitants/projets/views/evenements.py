"""Événements du pôle : la liste (toute personne connectée), la fiche, l'ajout — aussi depuis
une réservation de salle —, la modification et la suppression (après confirmation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from phares.lib import temps
from phares.lib.pagination import paginate

from ..forms.evenements import EvenementFilter, EvenementForm
from ..models import Evenement
from ..services import ProjetsError
from ..services import evenements as services
from ._params import entier


def evenement_ou_404(pk: int) -> Evenement:
    return get_object_or_404(
        Evenement.objects.select_related(
            "axe", "projet", "cree_par", "reservation__ressource", "reservation__structure"
        ),
        pk=pk,
    )


def _reservation_demandee(request):
    """La réservation de `?reservation=<pk>` si la personne peut en faire un événement,
    sinon 404 (celle d'une autre structure n'existe pas pour elle)."""
    brut = request.GET.get("reservation", "")
    if not brut:
        return None
    pk = entier(brut)
    if pk is None:
        raise Http404
    return get_object_or_404(services.reservations_liables(request.user), pk=pk)


@login_required
def evenement_liste(request):
    f = EvenementFilter(
        request.GET,
        queryset=Evenement.objects.select_related("axe", "projet").order_by(
            "-date", "titre", "-pk"
        ),
    )
    page, query = paginate(request, f.qs)
    return render(
        request,
        "projets/evenement_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_creer": services.peut_creer(request.user),
        },
    )


@login_required
def evenement_detail(request, pk):
    evenement = evenement_ou_404(pk)
    r = evenement.reservation
    return render(
        request,
        "projets/evenement_detail.html",
        {
            "e": evenement,
            "structures": evenement.structures.order_by("nom"),
            "peut_modifier": services.peut_modifier(request.user, evenement),
            # The booking was moved or cancelled since the event was last saved.
            "reservation_changee": r is not None
            and (
                temps.jour(r.debut) != evenement.date
                or r.statut != r.Statut.CONFIRMEE
                or r.ressource.nom != evenement.lieu
            ),
        },
    )


def _formulaire(request, evenement, reservation=None):
    form = EvenementForm(
        request.POST or None, instance=evenement, user=request.user, reservation=reservation
    )
    if request.method == "POST" and form.is_valid():
        nouveau = form.save(commit=False)
        if form.cleaned_data.get("delier"):
            nouveau.reservation = None
        try:
            enregistre = services.enregistrer_evenement(
                evenement=nouveau, structures=form.cleaned_data["structures"], par=request.acteur
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Événement « {enregistre.titre} » enregistré.")
            return redirect("projets:evenement-detail", enregistre.pk)
    return render(
        request,
        "projets/evenement_form.html",
        {"form": form, "evenement": evenement, "reservation": form.reservation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evenement_nouveau(request):
    if not services.peut_creer(request.user):
        raise PermissionDenied
    return _formulaire(request, None, _reservation_demandee(request))


@login_required
@require_http_methods(["GET", "POST"])
def evenement_modifier(request, pk):
    evenement = evenement_ou_404(pk)
    if not services.peut_modifier(request.user, evenement):
        raise PermissionDenied
    return _formulaire(request, evenement)


@login_required
@require_http_methods(["GET", "POST"])
def evenement_supprimer(request, pk):
    evenement = evenement_ou_404(pk)
    if not services.peut_modifier(request.user, evenement):
        raise PermissionDenied
    retour = reverse("projets:evenement-detail", args=[evenement.pk])
    if request.method == "POST":
        try:
            services.supprimer_evenement(evenement=evenement, par=request.acteur)
        except ProjetsError as exc:
            messages.error(request, str(exc))
            return redirect(retour)
        messages.success(request, f"Événement « {evenement.titre} » supprimé.")
        return redirect("projets:evenement-liste")
    consequences = (
        ["Sa réservation de salle, elle, reste réservée."] if evenement.reservation_id else []
    )
    return render(
        request,
        "includes/confirmer.html",
        {
            "titre": "Supprimer l'événement",
            "question": f"Supprimer « {evenement.titre} » du {evenement.date:%d/%m/%Y} ? "
            "Il disparaît des listes de l'année et du rapport.",
            "consequences": consequences,
            "bouton": "Supprimer l'événement",
            "retour": retour,
        },
    )
