"""Les plans des étages : chaque espace à sa place, coloré et écrit selon son état à une date
(toute personne connectée : les noms des structures sont déjà dans l'annuaire, les loyers
n'y sont pas) ; la page où la gestion place les espaces d'un étage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from phares.forms import style_form
from phares.roles import gestion_required, is_gestion, is_staff_member

from .. import selectors, services
from ..forms._champs import parse_date
from ..forms.plans import COORDONNEES, PlanForm
from ..models import PLAN_COLONNES, PLAN_LIGNES
from ..services import EspacesError
from ._rendu_plan import COULEURS, dessiner


@login_required
def plans(request):
    """Le plan du rez-de-chaussée (ou du premier étage du bâtiment s'il n'y en a pas)."""
    etages = list(selectors.etages())
    if not etages:
        return render(request, "espaces/plan.html", {"plan": None})
    etage = next((e for e in etages if e.niveau == 0), etages[0])
    return redirect("espaces:plan-etage", etage.pk)


def _lien(user):
    """Où mène une case : la fiche de l'espace pour l'équipe, le planning de la salle pour un
    habitant (la fiche est à l'équipe), rien sinon."""
    if is_staff_member(user):
        return lambda item: reverse("espaces:espace-detail", args=[item.espace.slug])

    def lien(item):
        ressource = item.ressource_active
        return reverse("espaces:semaine", args=[ressource.slug]) if ressource else None

    return lien


@login_required
def plan_etage(request, pk):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    plan = selectors.plan_etage(pk, le=le)
    if plan is None:
        raise Http404
    lien = _lien(request.user)
    return render(
        request,
        "espaces/plan.html",
        {
            "plan": plan,
            "dessin": dessiner(plan, lien),
            "legende": [(libelle, COULEURS[cle]) for cle, libelle in plan.etats_presents],
            "tableau": [(item, lien(item)) for item in plan.tous],
            "non_places": [(item, lien(item)) for item in plan.non_places],
            "le": le,
            "peut_placer": is_gestion(request.user),
        },
    )


@gestion_required
def plan_placer(request, pk):
    etage = next((e for e in selectors.etages() if e.pk == pk), None)
    if etage is None:
        raise Http404
    espaces = list(selectors.espaces_de_l_etage(etage))
    form = style_form(PlanForm(request.POST or None, espaces=espaces))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.placer_espaces(
                etage=etage, positions=form.positions, par=request.acteur
            )
        except EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            n = len(changes)
            messages.success(
                request,
                f"{n} espace{'s' if n > 1 else ''} déplacé{'s' if n > 1 else ''} sur le plan."
                if n
                else "Rien n'a changé sur le plan.",
            )
            return redirect("espaces:plan-etage", etage.pk)
    return render(
        request,
        "espaces/plan_placer.html",
        {
            "etage": etage,
            "form": form,
            "entetes": [libelle for _s, libelle, _m in COORDONNEES],
            "colonnes": PLAN_COLONNES,
            "lignes": PLAN_LIGNES,
        },
    )
