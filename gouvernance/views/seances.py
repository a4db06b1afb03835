"""Pages des séances : la liste (prochaine séance, actions ouvertes, points proposés), ouvrir
une séance, sa page unique (présences, ordre du jour, décisions, actions, procès-verbal),
convoquer, approuver, retirer ; les actions de suivi ; les collèges de vote.

Lecture : associé·es, cogérant·es, équipe de gestion ; écriture : cogérant·es et gestion
(gouvernance/roles.py). Un membre qui n'est pas associé reçoit un 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from phares.lib import temps
from phares.lib.pagination import paginate

from .. import ics, rendu, roles, selectors
from ..forms.seances import (
    ActionForm,
    ActionStatutForm,
    AffectationForm,
    CollegeFormSet,
    PointForm,
    PresencesForm,
    PropositionForm,
    RedactionForm,
    SeanceForm,
    SeanceNouvelleForm,
)
from ..models import Action, Point
from ..services import GouvernanceError, colleges, seances
from ._commun import apres, page_seance, refus, refus_si_approuvee, seance_ou_404

# --- Liste et nouvelle séance -----------------------------------------------------------------


@roles.lecture_required
def seance_liste(request):
    page, query = paginate(request, selectors.seances(), per_page=24)
    aujourd_hui = timezone.localdate()
    actions, en_retard = selectors.actions_a_suivre(le=aujourd_hui)
    return render(
        request,
        "gouvernance/seance_liste.html",
        {
            "page": page,
            "query": query,
            "prochaine": selectors.prochaine_seance(),
            "actions": actions,
            "en_retard": en_retard,
            "aujourd_hui": aujourd_hui,
            "propositions": selectors.propositions_a_lire(),
            "proposition_form": PropositionForm(),
            "peut_rediger": roles.peut_rediger(request.user),
        },
    )


@roles.redaction_required
def seance_nouvelle(request):
    form = SeanceNouvelleForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        salle = seances.Salle(d["salle"], d["structure"]) if d.get("salle") else None
        try:
            seance = seances.creer_seance(
                type=d["type"],
                titre=d["titre"],
                debut=d["debut"],
                fin=d["fin"],
                lieu=d["lieu"],
                convocation=d["convocation"],
                salle=salle,
                par=request.acteur,
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"« {seance.titre} » est ouverte.")
            return redirect("gouvernance:seance-detail", seance.pk)
    status = 400 if form.is_bound else 200
    return render(request, "gouvernance/seance_nouvelle.html", {"form": form}, status=status)


# --- La page d'une séance et ses formulaires ----------------------------------------------------


@roles.lecture_required
def seance_detail(request, pk):
    return page_seance(request, seance_ou_404(pk))


@roles.redaction_required
@require_POST
def seance_modifier(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    form = SeanceForm.de(seance, request.POST)
    if form.is_valid():
        try:
            seance, reconvoquer = seances.modifier_seance(
                seance=seance, par=request.acteur, **form.champs()
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            message = "Séance enregistrée."
            if reconvoquer:
                message += " Elle était convoquée : renvoyez la convocation."
            return apres(request, seance, message, ancre="seance")
    return page_seance(request, seance, status=400, seance_form=form)


@roles.redaction_required
@require_POST
def seance_redaction(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    form = RedactionForm(request.POST, seance=seance)
    if form.is_valid():
        try:
            seance, _ = seances.modifier_seance(
                seance=seance, par=request.acteur, **form.cleaned_data
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            return apres(request, seance, "Procès-verbal enregistré.", ancre="proces-verbal")
    return page_seance(request, seance, status=400, redaction_form=form)


@roles.redaction_required
@require_POST
def seance_presences(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    participants = list(seance.participants.select_related("associe"))
    if request.POST.get("tous_presents"):
        # "Everyone is here": one click for a monthly meeting of four.
        data = request.POST.copy()
        for p in participants:
            data[f"presences-presence_{p.pk}"] = "present"
        form = PresencesForm(data, participants=participants)
    else:
        form = PresencesForm(request.POST, participants=participants)
    if form.is_valid():
        try:
            q = seances.enregistrer_presences(
                seance=seance, lignes=form.saisie(), par=request.acteur
            )
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            message = (
                f"Présences enregistrées : {q.presents} présent·es, {q.representes} représenté·es."
            )
            if q.fraction is not None:
                message += " Quorum atteint." if q.atteint else " Quorum non atteint."
            return apres(request, seance, message, ancre="presences")
    return page_seance(request, seance, status=400, presences_form=form)


@roles.redaction_required
@require_POST
def point_ajouter(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            seances.ajouter_point(seance=seance, par=request.acteur, **form.cleaned_data)
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            return apres(request, seance, "Point ajouté à l'ordre du jour.", ancre="ordre-du-jour")
    return page_seance(request, seance, status=400, point_form=form)


@roles.redaction_required
@require_POST
def point_retirer(request, pk, point_pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    point = get_object_or_404(Point, pk=point_pk, seance=seance)
    try:
        seances.retirer_point(point=point, par=request.acteur)
    except GouvernanceError as exc:
        return refus(request, seance, str(exc), ancre="ordre-du-jour")
    return apres(request, seance, f"Point retiré : {point.titre}.", ancre="ordre-du-jour")


@roles.redaction_required
@require_POST
def action_ajouter(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    form = ActionForm(request.POST, seance=seance)
    if form.is_valid():
        try:
            seances.ajouter_action(seance=seance, par=request.acteur, **form.cleaned_data)
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            return apres(request, seance, "Action de suivi ajoutée.", ancre="actions")
    return page_seance(request, seance, status=400, action_form=form)


@roles.redaction_required
@require_POST
def action_retirer(request, pk, action_pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    action = get_object_or_404(Action, pk=action_pk, seance=seance)
    try:
        seances.retirer_action(action=action, par=request.acteur)
    except GouvernanceError as exc:
        return refus(request, seance, str(exc), ancre="actions")
    return apres(request, seance, f"Action retirée : {action.libelle}.", ancre="actions")


# --- Convoquer, approuver, retirer (confirmées : GET demande, POST agit) ----------------------


def _confirmer(request, seance, *, titre, question, consequences, bouton):
    return render(
        request,
        "includes/confirmer.html",
        {
            "titre": titre,
            "question": question,
            "consequences": consequences,
            "bouton": bouton,
            "retour": reverse("gouvernance:seance-detail", args=[seance.pk]),
        },
    )


@roles.redaction_required
def seance_convoquer(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    if request.method == "POST":
        try:
            n, avertissement = seances.convoquer(seance=seance, par=request.acteur)
        except GouvernanceError as exc:
            return refus(request, seance, str(exc))
        if avertissement:
            messages.warning(request, avertissement)
        return apres(request, seance, f"Convocation envoyée à {n} adresse(s).")
    destinataires = selectors.emails_participants(seance)
    return _confirmer(
        request,
        seance,
        titre=f"Convoquer : {seance.titre}",
        question=f"Envoyer la convocation à {len(destinataires)} adresse(s) ?",
        consequences=[
            "Chaque inscrit·e reçoit la date, le lieu et l'ordre du jour, avec le fichier .ics "
            "pour son agenda.",
            *(
                ["Une convocation est déjà partie : celle-ci la remplace dans les agendas."]
                if seance.convoquee_le
                else []
            ),
        ],
        bouton="Envoyer la convocation",
    )


@roles.redaction_required
def seance_approuver(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    if request.method == "POST":
        try:
            seance = seances.approuver(seance=seance, par=request.acteur)
        except GouvernanceError as exc:
            return refus(request, seance, str(exc), ancre="approbation")
        return apres(
            request,
            seance,
            f"Procès-verbal {seance.numero} approuvé ; il part aux associé·es.",
        )
    nb = seance.decisions.count()
    return _confirmer(
        request,
        seance,
        titre=f"Approuver le procès-verbal : {seance.titre}",
        question="Approuver ce procès-verbal ? Il sera numéroté et ne se modifiera plus.",
        consequences=[
            f"{nb} décision{'s' if nb > 1 else ''} reçoi{'vent' if nb > 1 else 't'} sa référence "
            "définitive.",
            "Le PDF est gardé avec son empreinte et envoyé aux associé·es.",
            "Une erreur se corrige ensuite par une nouvelle décision, dans une prochaine séance.",
        ],
        bouton="Approuver le procès-verbal",
    )


@roles.redaction_required
def seance_supprimer(request, pk):
    seance = seance_ou_404(pk)
    if r := refus_si_approuvee(request, seance):
        return r
    if request.method == "POST":
        try:
            message = seances.supprimer_seance(seance=seance, par=request.acteur)
        except GouvernanceError as exc:
            return refus(request, seance, str(exc))
        messages.success(request, message)
        return redirect("gouvernance:seance-liste")
    return _confirmer(
        request,
        seance,
        titre=f"Retirer : {seance.titre}",
        question="Retirer cette séance (ouverte par erreur, annulée) ?",
        consequences=[
            "Ses présences, décisions et actions notées disparaissent avec elle.",
            "Les points proposés retournent en attente de la prochaine cogérance.",
            *(["Sa salle réservée est libérée."] if seance.reservation_id else []),
        ],
        bouton="Retirer la séance",
    )


# --- Documents : procès-verbal (PDF) et convocation (.ics) -------------------------------------


@roles.lecture_required
def seance_pdf(request, pk):
    """Approuvé : le PDF gardé, octet pour octet. En cours : un projet, pour qui rédige."""
    seance = seance_ou_404(pk)
    if seance.est_approuvee:
        contenu, nom = bytes(seance.document.contenu), f"{seance.numero}.pdf"
    elif roles.peut_rediger(request.user):
        contenu = rendu.pv_pdf(rendu.contexte_pv(seance))
        nom = f"projet-pv-{temps.jour(seance.debut):%Y-%m-%d}.pdf"
    else:
        raise Http404("Ce procès-verbal n'est pas encore approuvé.")
    response = HttpResponse(contenu, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("telecharger") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    return response


@roles.lecture_required
def seance_ics(request, pk):
    seance = seance_ou_404(pk)
    response = HttpResponse(
        ics.convocation(seance, url=request.build_absolute_uri(seance_url(seance))),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="seance-{seance.pk}.ics"'
    return response


def seance_url(seance) -> str:
    return reverse("gouvernance:seance-detail", args=[seance.pk])


# --- Points proposés -------------------------------------------------------------------------


@roles.lecture_required
def proposer(request):
    form = PropositionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            point = seances.proposer_point(par=request.acteur, **form.cleaned_data)
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            ou = (
                f"à l'ordre du jour de « {point.seance.titre} »"
                if point.seance
                else "il attend la prochaine cogérance"
            )
            messages.success(request, f"Point proposé : {ou}.")
            return redirect("gouvernance:seance-liste")
    status = 400 if form.is_bound else 200
    return render(request, "gouvernance/proposer.html", {"form": form}, status=status)


# --- Actions de suivi ----------------------------------------------------------------------


@roles.lecture_required
def action_liste(request):
    statut = request.GET.get("statut", "a_faire")
    qs = Action.objects.select_related("responsable", "seance", "decision").order_by(
        "echeance", "pk"
    )
    if statut in Action.Statut.values:
        qs = qs.filter(statut=statut)
    page, query = paginate(request, qs)
    return render(
        request,
        "gouvernance/action_liste.html",
        {
            "page": page,
            "query": query,
            "statut": statut,
            "statuts": Action.Statut.choices,
            "aujourd_hui": timezone.localdate(),
            "peut_rediger": roles.peut_rediger(request.user),
        },
    )


@roles.redaction_required
@require_POST
def action_statut(request, pk):
    action = get_object_or_404(Action, pk=pk)
    form = ActionStatutForm(request.POST)
    suite = request.POST.get("suite") or reverse("gouvernance:action-liste")
    if not suite.startswith("/") or suite.startswith("//"):
        suite = reverse("gouvernance:action-liste")
    if not form.is_valid():
        messages.error(request, "Statut inconnu.")
        return redirect(suite)
    try:
        action = seances.changer_statut_action(
            action=action, par=request.acteur, **form.cleaned_data
        )
    except GouvernanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"« {action.libelle} » : {action.get_statut_display().lower()}.")
    return redirect(suite)


# --- Collèges de vote --------------------------------------------------------------------------


@roles.redaction_required
def college_liste(request):
    actifs = list(selectors.colleges().filter(actif=True))
    associes = list(selectors.associes_actifs(le=timezone.localdate()))
    initial = [{"id": c.pk, "nom": c.nom, "poids": c.poids} for c in actifs]
    formset = CollegeFormSet(prefix="colleges", initial=initial)
    affectation = AffectationForm(associes=associes, colleges=actifs)
    status = 200
    if request.method == "POST" and "colleges-TOTAL_FORMS" in request.POST:
        formset = CollegeFormSet(request.POST, prefix="colleges", initial=initial)
        if formset.is_valid():
            saisis = [
                colleges.CollegeSaisi(nom=f["nom"], poids=f["poids"], pk=f.get("id"))
                for f in formset.cleaned_data
                if f.get("nom")
            ]
            try:
                colleges.definir_colleges(colleges=saisis, par=request.acteur)
            except GouvernanceError as exc:
                formset._non_form_errors = formset.error_class([str(exc)])
            else:
                messages.success(request, "Collèges de vote enregistrés.")
                return redirect("gouvernance:colleges")
        status = 400
    elif request.method == "POST":
        affectation = AffectationForm(request.POST, associes=associes, colleges=actifs)
        if affectation.is_valid():
            try:
                n = colleges.affecter_colleges(
                    affectations=affectation.affectations(), par=request.acteur
                )
            except GouvernanceError as exc:
                affectation.add_error(None, str(exc))
            else:
                messages.success(request, f"{n} associé·e(s) changé(s) de collège.")
                return redirect("gouvernance:colleges")
        status = 400
    return render(
        request,
        "gouvernance/colleges.html",
        {"formset": formset, "affectation": affectation, "actifs": actifs},
        status=status,
    )
