"""Une réservation faite : son détail, la modifier (déplacer, changer l'objet), l'annuler
(après confirmation), décider d'une demande extérieure (sur place depuis le tableau de bord,
ou depuis sa fiche avec un e-mail écrit par l'équipe : accepter, refuser, proposer un autre
créneau)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from phares.lib import temps
from phares.roles import gestion_required, is_gestion

from .. import notifications, selectors, services
from ..forms.reservations import (
    AnnulationForm,
    DeplacementForm,
    ModificationForm,
    PrixAccepteForm,
    PropositionForm,
    RefusForm,
    ReponseForm,
)
from ..models import Reservation
from ._acces import ce_mois, peut_annuler, reservation_visible


@login_required
def reservation_detail(request, pk):
    """Le statut effectif (une demande échue est expirée, même pas encore marquée) décide
    des boutons : une demande expirée ne s'accepte, ne se modifie ni ne s'annule plus."""
    return _page_detail(request, reservation_visible(request.user, pk))


# The answers to a request, each with its e-mail: (form, its label, the draft's key).
REPONSES = {
    "accepter": (ReponseForm, "E-mail d'acceptation"),
    "refuser": (RefusForm, "E-mail de refus"),
    "proposer": (PropositionForm, "E-mail de la proposition"),
}


def _formulaires_de_reponse(r, lies: dict) -> dict:
    """Les trois réponses possibles (accepter, refuser, proposer un autre créneau), chacune
    avec son e-mail prérempli ; `lies` : celle qui vient d'être postée, avec ses erreurs."""
    brouillons = notifications.brouillons_de_reponse(r)
    creneau = ModificationForm.initial_de(r)
    formulaires = {}
    for quoi, (Form, libelle) in REPONSES.items():
        if quoi in lies:
            formulaires[quoi] = lies[quoi]
            continue
        initial = {"message": brouillons[quoi]}
        if quoi == "proposer":
            initial.update({k: creneau[k] for k in ("date", "heure_debut", "heure_fin")})
        formulaires[quoi] = Form(prefix=quoi, initial=initial, label=libelle)
    return formulaires


def _page_detail(request, r, *, lies: dict | None = None):
    now = timezone.now()
    statut = r.statut_effectif(now)
    annulable = peut_annuler(request.user) and r.refus_changement(now) is None
    en_attente = statut == Reservation.Statut.EN_ATTENTE
    peut_decider = en_attente and is_gestion(request.user)
    lies = lies or {}
    return render(
        request,
        "espaces/reservation_detail.html",
        {
            "r": r,
            "statut": statut,
            "en_attente": en_attente,
            "peut_annuler": annulable,
            # A pending request is moved by the staff only, before they accept it.
            "peut_modifier": annulable and (not en_attente or is_gestion(request.user)),
            "peut_decider": peut_decider,
            "reponses": _formulaires_de_reponse(r, lies) if peut_decider else None,
            # The form shown open: the one just posted, else « Accepter » (the usual answer).
            "reponse_ouverte": next(iter(lies), "accepter"),
        },
    )


def _repondre(request, pk, quoi: str, agir):
    """Une réponse à une demande depuis sa fiche : le formulaire de `quoi`, puis `agir(r,
    données)` (le service, qui rend l'annonce). Une saisie refusée, ou un refus du service
    sur une demande qui attend encore (créneau pris : le message dit par qui), redonne la
    fiche avec ce formulaire ouvert et le texte écrit ; rien n'a changé ni n'est parti."""
    r = reservation_visible(request.user, pk)
    Form, libelle = REPONSES[quoi]
    form = Form(request.POST, prefix=quoi, label=libelle)
    if form.is_valid():
        try:
            annonce = agir(r, form.cleaned_data)
        except services.EspacesError as exc:
            messages.error(request, str(exc))
            r.refresh_from_db()
            if r.statut_effectif() != Reservation.Statut.EN_ATTENTE:
                return redirect("espaces:reservation-detail", r.pk)
        else:
            messages.success(request, annonce)
            return redirect("espaces:reservation-detail", r.pk)
    return _page_detail(request, r, lies={quoi: form})


def _e_mail_parti(r) -> str:
    return f"L'e-mail part à {r.externe.email}." if r.externe_id else ""


@gestion_required
@require_POST
def demande_accepter(request, pk):
    def agir(r, c):
        r = services.decider_demande(
            reservation=r, accepter=True, message=c["message"], par=request.acteur
        )
        return (
            f"Demande acceptée : {r.ressource.nom}, "
            f"{temps.creneau_lisible(r.debut, r.fin)}. {_e_mail_parti(r)}"
        )

    return _repondre(request, pk, "accepter", agir)


@gestion_required
@require_POST
def demande_refuser(request, pk):
    def agir(r, c):
        r = services.decider_demande(
            reservation=r,
            accepter=False,
            message=c["message"],
            motif=c["motif"],
            par=request.acteur,
        )
        return f"Demande refusée. {_e_mail_parti(r)}"

    return _repondre(request, pk, "refuser", agir)


@gestion_required
@require_POST
def demande_proposer(request, pk):
    def agir(r, c):
        r = services.proposer_creneau(
            reservation=r,
            debut=c["debut"],
            fin=c["fin"],
            message=c["message"],
            par=request.acteur,
        )
        return (
            f"Autre créneau proposé : {r.ressource.nom}, "
            f"{temps.creneau_lisible(r.debut, r.fin)} ; la demande attend la réponse de "
            f"{r.externe.nom}. {_e_mail_parti(r)}"
        )

    return _repondre(request, pk, "proposer", agir)


def _confirmation_annulation(request, r, portee: str):
    """La page qui dit ce qui sera annulé (et ce qui restera réservé, dans le préavis)."""
    now = timezone.now()
    refus = r.refus_changement(now, pour="annulée")
    apercu = selectors.apercu_annulation(
        r, portee=portee, sans_preavis=is_gestion(request.user), now=now
    )
    if refus is None and not apercu.annulees:
        refus = (
            f"Annulation possible jusqu'à {r.ressource.preavis_annulation_heures} h avant le "
            "début : contactez l'équipe du PHARES."
        )
    if refus is not None:
        messages.error(request, refus)
        return redirect("espaces:reservation-detail", r.pk)
    n = len(apercu.annulees)
    if portee == "une":
        question = (
            f"Annuler « {r.titre} », {r.ressource.nom} le {temps.creneau_lisible(r.debut, r.fin)} ?"
        )
    else:
        question = (
            f"Annuler {n} réservation{'s' * (n > 1)} de la série « {r.titre} » "
            f"({r.ressource.nom}) ?"
        )
    consequences = []
    if portee != "une":
        seront = "Seront annulées" if n > 1 else "Sera annulée"
        consequences.append(f"{seront} : {_liste(apercu.annulees)}.")
    if apercu.gardees:
        consequences.append(
            f"Resteront réservées, car dans le délai de préavis de "
            f"{r.ressource.preavis_annulation_heures} h : "
            f"{_liste(apercu.gardees)}. "
            "Pour les annuler, contactez l'équipe du PHARES."
        )
    consequences.append("Un e-mail confirme l'annulation ; le créneau est aussitôt libéré.")
    return render(
        request,
        "espaces/reservation_annuler.html",
        {
            "titre": "Annuler une réservation" if n == 1 else f"Annuler {n} réservations",
            "question": question,
            "consequences": consequences,
            "bouton": "Annuler la réservation" if n == 1 else f"Annuler les {n} réservations",
            "retour": reverse("espaces:reservation-detail", args=[r.pk]),
            "portee": portee,
        },
    )


def _liste(reservations) -> str:
    """« mar. 10 mars 2026 à 09:00, mar. 17 mars 2026 à 09:00 »."""
    return ", ".join(temps.creneau_lisible(r.debut) for r in reservations)


@login_required
@require_http_methods(["GET", "POST"])
def reservation_annuler(request, pk):
    """GET : la confirmation (ce qui sera annulé, ce qui restera) ; POST : annule."""
    r = reservation_visible(request.user, pk)
    if not peut_annuler(request.user):
        raise PermissionDenied
    form = AnnulationForm(request.POST if request.method == "POST" else request.GET)
    portee = form.cleaned_data["portee"] if form.is_valid() else "une"
    if r.serie_id is None:
        portee = "une"
    if request.method == "GET":
        return _confirmation_annulation(request, r, portee)
    bloquees, offre = [], None
    try:
        if portee == "une":
            annulees = [services.annuler(reservation=r, par=request.acteur)]
            offre = services.proposer_retablissement(reservation=r, par=request.acteur)
        else:
            result = services.annuler_serie(
                reservation=r, a_partir=portee == "suivantes", par=request.acteur
            )
            annulees, bloquees = result.annulees, result.bloquees
    except services.EspacesError as exc:
        messages.error(request, str(exc))
        return redirect("espaces:reservation-detail", r.pk)
    n = len(annulees)
    if offre is not None:  # a whole series comes back by booking it again
        messages.success(request, f"Réservation annulée. {offre.phrase}", extra_tags=offre.tags)
    else:
        messages.success(
            request, "Réservation annulée." if n == 1 else f"{n} réservations annulées."
        )
    for b in bloquees:
        messages.warning(
            request,
            f"Le {temps.creneau_lisible(b.debut)} reste réservé : il est dans le délai de "
            f"préavis ({b.ressource.preavis_annulation_heures} h). Contactez l'équipe du PHARES.",
        )
    return redirect("espaces:reservation-liste")


@login_required
@require_http_methods(["GET", "POST"])
def reservation_modifier(request, pk):
    """Déplacer ou modifier une réservation (une seule occurrence d'une série), ou une
    demande en attente pour l'équipe. Si le nouveau créneau coûte plus, le prix est montré
    et la personne confirme « Confirmer (X € TTC) », comme pour réserver."""
    r = reservation_visible(request.user, pk)
    if not peut_annuler(request.user):
        raise PermissionDenied
    if r.statut == Reservation.Statut.EN_ATTENTE and not is_gestion(request.user):
        raise PermissionDenied
    refus = r.refus_changement(timezone.now(), pour="modifiée")
    if refus is not None:
        messages.error(request, refus)
        return redirect("espaces:reservation-detail", r.pk)
    form = ModificationForm(request.POST or None, initial=ModificationForm.initial_de(r))
    context = {"form": form, "r": r, "ce_mois": ce_mois()}
    if request.method == "POST" and form.is_valid():
        return _modifier(request, r, form, context)
    return render(request, "espaces/reservation_modifier.html", context)


def _estimer_modification(r: Reservation, c):
    return selectors.estimer_reservation(
        r.ressource,
        c["debut"],
        c["fin"],
        structure=r.structure,
        externe=r.externe_id is not None,
        exclure_pk=r.pk,
    )


def _modifier(request, r, form, context):
    c = form.cleaned_data
    ancien = r.montant.ttc
    deplacee = (c["debut"], c["fin"]) != (r.debut, r.fin)
    accepte = PrixAccepteForm.lire(request.POST)
    if deplacee:
        estimation = _estimer_modification(r, c)
        context.update(estimation=estimation, ancien=ancien)
        if accepte is None and estimation.total_ttc > ancien:
            context["a_confirmer"] = True  # it costs more: show the price first
            return render(request, "espaces/reservation_modifier.html", context)
    try:
        modifiee = services.modifier_reservation(
            reservation=r,
            debut=c["debut"],
            fin=c["fin"],
            titre=c["titre"],
            nb_personnes=c["nb_personnes"],
            par=request.acteur,
            prix_accepte=ancien if accepte is None else accepte,
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        if deplacee:
            estimation = _estimer_modification(r, c)
            context.update(estimation=estimation, a_confirmer=estimation.total_ttc > ancien)
        return render(request, "espaces/reservation_modifier.html", context)
    if modifiee.sequence == r.sequence:
        messages.info(request, "Rien n'a changé.")
    else:
        quoi = (
            "Demande modifiée"
            if modifiee.statut == Reservation.Statut.EN_ATTENTE
            else ("Réservation modifiée")
        )
        messages.success(
            request,
            f"{quoi} : {modifiee.ressource}, "
            f"{temps.creneau_lisible(modifiee.debut, modifiee.fin)}.",
        )
    return redirect("espaces:reservation-detail", r.pk)


@login_required
@require_POST
def reservation_deplacer(request, pk):
    """Déplacer une réservation sur la grille (glisser-déposer, ou au clavier) : le même
    service et les mêmes règles que « Modifier », la durée gardée. Un déplacement qui coûte
    plus est refusé ici : le formulaire « Modifier » montre le prix et le fait confirmer.
    Le JavaScript de la grille demande du JSON (refus dit sur place, la réservation reste où
    elle était) ; sans lui, retour à `suivant` avec le message."""
    r = reservation_visible(request.user, pk)  # another structure's booking: 404
    if not peut_annuler(request.user):
        raise PermissionDenied
    if r.statut == Reservation.Statut.EN_ATTENTE and not is_gestion(request.user):
        raise PermissionDenied
    form = DeplacementForm(request.POST)
    if not form.is_valid():
        erreurs = [e for liste in form.errors.values() for e in liste]
        return _reponse_deplacement(request, r, False, " ".join(erreurs), status=400)
    debut = form.cleaned_data["debut"]
    try:
        deplacee = services.modifier_reservation(
            reservation=r,
            debut=debut,
            fin=debut + (r.fin - r.debut),
            titre=r.titre,
            nb_personnes=r.nb_personnes,
            par=request.acteur,
            prix_accepte=r.montant.ttc,
        )
    except services.PrixError:
        message = (
            "Ce déplacement coûte plus que la réservation actuelle : passez par « Modifier » "
            "pour voir le nouveau prix et le confirmer. La réservation n'a pas bougé."
        )
        return _reponse_deplacement(request, r, False, message, status=409)
    except services.EspacesError as exc:
        message = f"{exc} La réservation n'a pas bougé."
        return _reponse_deplacement(request, r, False, message, status=409)
    if deplacee.sequence == r.sequence:
        return _reponse_deplacement(request, r, True, "Rien n'a changé.")
    message = (
        f"Réservation déplacée : {deplacee.ressource}, "
        f"{temps.creneau_lisible(deplacee.debut, deplacee.fin)}."
    )
    return _reponse_deplacement(request, deplacee, True, message)


def _reponse_deplacement(request, r, ok: bool, message: str, *, status: int = 200):
    if "application/json" in request.headers.get("Accept", ""):
        if ok:  # the grid reloads: the message waits for the next page
            messages.success(request, message)
        return JsonResponse(
            {
                "ok": ok,
                "message": message,
                "modifier": reverse("espaces:reservation-modifier", args=[r.pk]),
            },
            status=status,
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(
        _page_de_retour(request, "suivant") or reverse("espaces:reservation-detail", args=[r.pk])
    )


def _page_de_retour(request, champ: str) -> str | None:
    """L'adresse postée dans `champ` (la page d'où vient l'action), si elle est de ce site."""
    adresse = request.POST.get(champ, "")
    if adresse and url_has_allowed_host_and_scheme(
        adresse, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return adresse
    return None


@gestion_required
@require_POST
def reservation_decider(request, pk):
    """Accepter ou refuser une demande, depuis sa fiche ou sur place depuis le tableau de
    bord : sans JavaScript, retour à la page d'où vient le formulaire (`suite`) avec un
    message ; avec htmx, la réponse est le seul élément de la demande, décidée ou non."""
    r = reservation_visible(request.user, pk)
    accepter = request.POST.get("decision") == "accepter"
    erreur = False
    try:
        r = services.decider_demande(reservation=r, accepter=accepter, par=request.acteur)
    except services.EspacesError as exc:
        annonce, erreur = str(exc), True
        r.refresh_from_db()
    else:
        quoi = "acceptée" if accepter else "refusée"
        annonce = f"Demande {quoi}. {r.ressource.nom}, {temps.creneau_lisible(r.debut, r.fin)}."
    if request.htmx:
        return render(
            request,
            "espaces/_demande_a_decider.html",
            {
                "r": r,
                "suite": _page_de_retour(request, "suite"),
                "annonce": annonce,
                "erreur": erreur,
            },
        )
    (messages.error if erreur else messages.success)(request, annonce)
    return redirect(
        _page_de_retour(request, "suite") or reverse("espaces:reservation-detail", args=[r.pk])
    )
