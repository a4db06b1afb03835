"""Abonnement aux calendriers : la page des liens, et les flux iCalendar à jeton."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from habitants import selectors as habitants_selectors
from phares.roles import is_staff_member

from .. import ics, selectors, services
from ._acces import salle_ou_404, structures_presentes, structures_reservantes


@login_required
def calendriers_page(request):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoquer":
            services.revoquer(par=request.acteur)
            messages.success(
                request,
                "Liens révoqués : les agendas abonnés ne se mettent plus à jour.",
            )
            return redirect("espaces:calendriers")
        token = services.nouveau_jeton(par=request.acteur)
    if is_staff_member(request.user):
        structures = structures_presentes()
    else:
        structures = structures_reservantes(request.user)
    base = request.build_absolute_uri("/")[:-1]
    return render(
        request,
        "espaces/calendriers.html",
        {
            "token": token,
            "actif": selectors.jeton_actif(request.user),
            "salles": selectors.salles(),
            "structures": structures,
            "base": base,
        },
    )


def _ics_response(content: bytes, filename: str):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed_user(token):
    user = selectors.user_for(token)
    if user is None:
        raise Http404("Lien d'abonnement inconnu ou révoqué.")
    return user


def ics_salle(request, token, slug):
    user = _feed_user(token)
    salle = salle_ou_404(slug)
    staff = is_staff_member(user)
    mine = selectors.structures_du_membre_ids(user)
    content = ics.calendrier(
        selectors.flux_salle(salle),
        nom=f"{salle.nom} — PHARES",
        detail_for=lambda r: staff or r.structure_id in mine,
    )
    return _ics_response(content, f"{salle.slug}.ics")


def ics_structure(request, token, slug):
    user = _feed_user(token)
    structure = habitants_selectors.structure_active(slug)
    if structure is None or (
        not is_staff_member(user) and structure.pk not in selectors.structures_du_membre_ids(user)
    ):
        raise Http404("Structure introuvable.")
    content = ics.calendrier(
        selectors.flux_structure(structure), nom=f"{structure.nom} — réservations PHARES"
    )
    return _ics_response(content, f"{structure.slug}.ics")


def ics_personne(request, token):
    user = _feed_user(token)
    content = ics.calendrier(
        selectors.flux_personne(user, staff=is_staff_member(user)), nom="Mes réservations PHARES"
    )
    return _ics_response(content, "mes-reservations.ics")
