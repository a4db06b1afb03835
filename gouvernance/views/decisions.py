"""Pages des décisions : les noter, les modifier ou les retirer tant que le procès-verbal est
en cours (page de la séance) ; le registre des décisions approuvées, sa recherche, la fiche
d'une décision (vote, actions, corrections), l'export CSV et le registre PDF d'une année."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from phares.lib.pagination import paginate

from .. import rendu, roles, selectors
from ..filters import DecisionFilter
from ..forms.seances import DecisionForm
from ..models import Decision
from ..services import GouvernanceError, decisions
from ._commun import apres, page_seance, refus, refus_si_approuvee, seance_ou_404


def _colleges(seance):
    participants = list(seance.participants.all())
    if not selectors.est_ponderee(seance, participants):
        return []
    return selectors.colleges_de(seance, participants)


@roles.redaction_required
@require_POST
def decision_ajouter(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    form = DecisionForm(request.POST, colleges=_colleges(seance))
    if form.is_valid():
        try:
            d = decisions.enregistrer_decision(seance=seance, par=request.acteur, **form.champs())
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            return apres(
                request,
                seance,
                f"Décision notée : {d.titre} ({d.get_resultat_display().lower()}).",
                ancre="decisions",
            )
    return page_seance(request, seance, status=400, decision_form=form)


def _decision_du_brouillon(seance, decision_pk) -> Decision:
    return get_object_or_404(
        Decision.objects.prefetch_related("votes_colleges"), pk=decision_pk, seance=seance
    )


@roles.redaction_required
def decision_modifier(request, pk, decision_pk):
    seance = seance_ou_404(pk)
    decision = _decision_du_brouillon(seance, decision_pk)
    if r := refus_si_approuvee(request, seance):
        return r
    colleges = _colleges(seance)
    form = DecisionForm(
        request.POST if request.method == "POST" else None, colleges=colleges, decision=decision
    )
    if request.method == "POST" and form.is_valid():
        try:
            decisions.modifier_decision(decision=decision, par=request.acteur, **form.champs())
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            return apres(request, seance, "Décision modifiée.", ancre=f"decision-{decision.pk}")
    return render(
        request,
        "gouvernance/decision_modifier.html",
        {
            "seance": seance,
            "decision": decision,
            "form": form,
            "quorum": selectors.quorum(seance),
        },
        status=400 if form.is_bound else 200,
    )


@roles.redaction_required
@require_POST
def decision_retirer(request, pk, decision_pk):
    seance = seance_ou_404(pk)
    decision = _decision_du_brouillon(seance, decision_pk)
    if r := refus_si_approuvee(request, seance):
        return r
    try:
        decisions.retirer_decision(decision=decision, par=request.acteur)
    except GouvernanceError as exc:
        return refus(request, seance, str(exc), ancre="decisions")
    return apres(request, seance, f"Décision retirée : {decision.titre}.", ancre="decisions")


# --- Registre ---------------------------------------------------------------------------------


def _registre_filtre(request):
    f = DecisionFilter(request.GET, queryset=selectors.registre_des_decisions())
    return f, (f.qs if f.is_valid() else f.queryset.none())


@roles.lecture_required
def decision_liste(request):
    f, qs = _registre_filtre(request)
    page, query = paginate(request, qs)
    annees = f.annees  # read once by the filter, for its choices: one registre PDF each
    return render(
        request,
        "gouvernance/decision_liste.html",
        {"filter": f, "page": page, "query": query, "annees": annees},
    )


@roles.lecture_required
def decision_detail(request, reference):
    decision = get_object_or_404(selectors.registre_des_decisions(), reference=reference)
    return render(
        request,
        "gouvernance/decision_detail.html",
        {
            "decision": decision,
            "votes": decision.votes_colleges.all(),
            "actions": decision.actions.select_related("responsable").order_by("echeance"),
            "corrections": decision.corrections.filter(reference__isnull=False)
            .select_related("seance")
            .order_by("reference"),
            "aujourd_hui": timezone.localdate(),
        },
    )


ENTETES = [
    "Référence",
    "Date",
    "Séance",
    "Procès-verbal",
    "Catégorie",
    "Intitulé",
    "Texte",
    "Mode",
    "Pour",
    "Contre",
    "Abstentions",
    "Pour pondéré (%)",
    "Résultat",
    "Corrige",
    "Corrigée par",
]


def _cellule(valeur) -> str:
    """Un tableur n'exécute pas une cellule qui commence par = + - @ (injection de formule)."""
    texte = "" if valeur is None else str(valeur)
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte


@roles.lecture_required
def decision_csv(request):
    _, qs = _registre_filtre(request)
    sortie = io.StringIO()
    sortie.write("\ufeff")  # the BOM spreadsheets need to read UTF-8
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(ENTETES)
    for d in qs:
        ecrivain.writerow(
            _cellule(v)
            for v in (
                d.reference,
                f"{timezone.localtime(d.seance.debut):%d/%m/%Y}",
                d.seance.titre,
                d.seance.numero,
                d.get_categorie_display(),
                d.titre,
                d.texte,
                d.get_mode_display(),
                d.pour,
                d.contre,
                d.abstention,
                str(d.pour_pondere).replace(".", ",") if d.pour_pondere is not None else "",
                d.get_resultat_display(),
                d.corrige.reference if d.corrige else "",
                ", ".join(c.reference for c in d.corrections.all()),
            )
        )
    response = HttpResponse(sortie.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registre-des-decisions.csv"'
    return response


@roles.lecture_required
def decision_registre_pdf(request, annee):
    if annee not in selectors.annees_du_registre():
        raise Http404("Aucun procès-verbal approuvé cette année-là.")
    liste = list(
        selectors.registre_des_decisions()
        .filter(seance__debut__year=annee)
        .order_by("seance__debut", "rang_mois", "pk")
    )
    response = HttpResponse(
        rendu.registre_pdf(annee=annee, decisions=liste), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="registre-des-decisions-{annee}.pdf"'
    return response
