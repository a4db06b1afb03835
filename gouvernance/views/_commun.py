"""Ce que partagent les pages de la gouvernance : la séance d'une URL, la page d'une séance
et sa réponse après une action (page entière, ou région remplacée par htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from phares.forms import style_form
from phares.lib import temps

from .. import roles, selectors
from ..forms.seances import (
    ActionForm,
    DecisionForm,
    PointForm,
    PresencesForm,
    RedactionForm,
    SeanceForm,
)
from ..models import MESSAGE_IMMUABLE, Seance
from ..rendu import contexte_pv


def seance_ou_404(pk: int) -> Seance:
    # Everything the page shows of the meeting itself: the room booked, who approved.
    return get_object_or_404(
        Seance.objects.select_related(
            "president", "secretaire", "reservation__ressource", "document", "approuvee_par"
        ),
        pk=pk,
    )


def refus_si_approuvee(request, seance: Seance):
    """Une page d'écriture sur un procès-verbal approuvé : retour à la séance, qui le dit.
    (Les services refusent aussi, pour une page ouverte avant l'approbation.)"""
    if seance.est_approuvee:
        messages.error(request, MESSAGE_IMMUABLE)
        return redirect("gouvernance:seance-detail", seance.pk)
    return None


def page_seance(
    request,
    seance: Seance,
    *,
    status: int = 200,
    annonce: str = "",
    erreur: bool = False,
    **formulaires,
):
    """La page d'une séance : lecture pour tous, et pour qui rédige un procès-verbal en cours,
    ses formulaires (ceux passés ici gardent leur saisie et leurs erreurs)."""
    # One read of the participants for the minutes and the forms (with their college: the
    # attendance form names it on each line).
    participants = list(seance.participants.select_related("associe", "college"))
    contexte = contexte_pv(seance, participants=participants)
    modifiable = roles.peut_rediger(request.user) and not seance.est_approuvee
    colleges = (
        selectors.colleges_de(seance, participants)
        if selectors.est_ponderee(seance, participants)
        else []
    )
    contexte.update(
        {
            "participants": participants,
            "modifiable": modifiable,
            "peut_rediger": roles.peut_rediger(request.user),
            "colleges": colleges,
            "majorite": _majorite(seance),
            "annonce": annonce,
            "annonce_erreur": erreur,
            "comptes_colleges": selectors.comptes_par_college(participants),
        }
    )
    if modifiable:
        # The lists to choose from are read once for the page: the same people are offered
        # for the chair, the secretary and an action, the decisions of the meeting are
        # already read for the minutes.
        qs_personnes = selectors.responsables_possibles(le=temps.jour(seance.debut))
        personnes = selectors.personnes_a_choisir(qs_personnes)
        contexte.update(
            {
                "seance_form": formulaires.get("seance_form") or SeanceForm.de(seance),
                "redaction_form": (
                    formulaires.get("redaction_form")
                    or RedactionForm(seance=seance, personnes=qs_personnes)
                ).proposer(personnes),
                "presences_form": style_form(
                    formulaires.get("presences_form") or PresencesForm(participants=participants)
                ),
                "point_form": formulaires.get("point_form") or PointForm(),
                "decision_form": (
                    formulaires.get("decision_form") or DecisionForm(colleges=colleges)
                )
                .proposer(selectors.decisions_a_corriger())
                .styled(),
                "action_form": (
                    formulaires.get("action_form")
                    or ActionForm(seance=seance, personnes=qs_personnes)
                ).proposer(personnes=personnes, decisions=contexte["decisions"]),
            }
        )
    if request.htmx and status != 200:
        status = 200  # htmx swaps only 2xx answers: the errors are in the region it replaces
    return render(request, "gouvernance/seance_detail.html", contexte, status=status)


def _majorite(seance: Seance) -> str:
    from .. import regles

    m = regles.majorite(seance.type)
    return f"{m.libelle} {regles.BASES[regles.base_majorite()]}"


def apres(request, seance: Seance, message: str, *, ancre: str = ""):
    """Après une action réussie : sans JavaScript, retour à la page (message, ancre) ; avec
    htmx, la page tout de suite, l'annonce dans la région qu'il remplace."""
    if request.htmx:
        return page_seance(request, seance_ou_404(seance.pk), annonce=message)
    messages.success(request, message)
    url = reverse("gouvernance:seance-detail", args=[seance.pk])
    return redirect(f"{url}#{ancre}" if ancre else url)


def refus(request, seance: Seance, message: str, *, ancre: str = ""):
    """Un refus de service hors formulaire (retirer un point…) : dit sur la page."""
    if request.htmx:
        return page_seance(request, seance_ou_404(seance.pk), annonce=message, erreur=True)
    messages.error(request, message)
    url = reverse("gouvernance:seance-detail", args=[seance.pk])
    return redirect(f"{url}#{ancre}" if ancre else url)
