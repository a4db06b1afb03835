"""Réservations : mes réservations, réserver une salle (seule ou en série, avec son prix
avant de confirmer) ou un vélo, réservation extérieure, détail, modification, annulation
(après confirmation), décision sur une demande ; règles des vélos."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phares.lib import dates, temps
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member

from .. import selectors, services
from ..filters import ReservationFilter
from ..forms._champs import parse_date
from ..forms.reservations import (
    AnnulationForm,
    EstimationForm,
    ExterneForm,
    ModificationForm,
    PrixAccepteForm,
    RegleForm,
    ReservationForm,
    VeloForm,
)
from ..models import Reservation, Ressource
from ._acces import (
    initial_creneau,
    mes_structures_ids,
    salle_ou_404,
    structures_presentes,
    structures_reservantes,
)


def _reservation(user, pk) -> Reservation:
    """Une réservation de sa structure (ou n'importe laquelle pour l'équipe), sinon 404."""
    return get_object_or_404(
        selectors.reservations_visibles(user, staff=is_staff_member(user)), pk=pk
    )


def _structures_pour(user):
    """L'équipe de gestion réserve pour n'importe quelle structure présente."""
    if is_gestion(user):
        return structures_presentes()
    return structures_reservantes(user)


def _peut_reserver(user) -> bool:
    return is_gestion(user) or structures_reservantes(user).exists()


def _peut_annuler(user) -> bool:
    """La comptabilité lit les réservations, elle ne les annule pas (ni ne les fait, ni ne
    décide des demandes : gestion_required et _peut_reserver)."""
    return not is_staff_member(user) or is_gestion(user)


@login_required
def reservation_liste(request):
    """Mes réservations (celles de mes structures) ; toutes pour l'équipe, avec filtres."""
    staff = is_staff_member(request.user)
    now = timezone.now()
    qs = selectors.reservations_visibles(request.user, staff=staff)
    f = ReservationFilter(request.GET, queryset=qs, staff=staff)
    page, query = paginate(request, f.qs.a_venir_puis_passees(now))
    return render(
        request,
        "espaces/reservation_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "staff": staff,
            "now": now,
            # Booking for an outside organisation starts from one of the rooms open to them.
            "salles_externes": (
                selectors.salles().filter(ouverte_aux_externes=True)
                if is_gestion(request.user)
                else []
            ),
        },
    )


@login_required
def reserver(request, slug):
    """Le prix est dit avant de confirmer : en direct (fragment htmx `estimation`) et, sans
    JavaScript, par une première validation qui montre le prix et un bouton « Confirmer
    (X € TTC) » quand la réservation coûte quelque chose. Gratuite : une seule étape."""
    salle = salle_ou_404(slug)
    if not _peut_reserver(request.user):
        raise PermissionDenied
    structures = _structures_pour(request.user)
    form = ReservationForm(
        request.POST or None, structures=structures, initial=initial_creneau(request)
    )
    context = {"form": form, "salle": salle}
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("frequence"):
            return _reserver_serie(request, salle, form, context)
        return _reserver_une(request, salle, form, context)
    if request.method == "GET":
        # A planning link brings the slot: its price shows at once, JavaScript or not.
        donnees = EstimationForm(_donnees_initiales(request, form), structures=structures)
        context.update(_estimation_de(salle, donnees))
    return render(request, "espaces/reserver.html", context)


def _donnees_initiales(request, form) -> dict:
    data = request.GET.dict()
    structure = form.fields["structure"].initial
    if structure is not None and "structure" not in data:
        data["structure"] = structure.pk
    return data


def _reserver_une(request, salle, form, context):
    c = form.cleaned_data
    accepte = PrixAccepteForm.lire(request.POST)
    estimation = selectors.estimer_reservation(
        salle, c["debut"], c["fin"], structure=c["structure"]
    )
    context.update(estimation=estimation, ce_mois=_ce_mois())
    if accepte is None and not estimation.est_gratuit:
        context["a_confirmer"] = True  # first step: the price, then « Confirmer (X € TTC) »
        return render(request, "espaces/reserver.html", context)
    try:
        r = services.reserver(
            ressource=salle,
            debut=c["debut"],
            fin=c["fin"],
            titre=c["titre"],
            par=request.acteur,
            structure=c["structure"],
            nb_personnes=c["nb_personnes"],
            prix_accepte=Decimal(0) if accepte is None else accepte,
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        # The price as it is now (the allowance may have been used meanwhile).
        estimation = selectors.estimer_reservation(
            salle, c["debut"], c["fin"], structure=c["structure"]
        )
        context.update(estimation=estimation, a_confirmer=not estimation.est_gratuit)
        return render(request, "espaces/reserver.html", context)
    messages.success(request, f"Réservation confirmée : {salle}, {_libelle(r)}.")
    return redirect("espaces:reservation-detail", r.pk)


def _plan_serie(salle, c):
    """Les créneaux de la série (les jours fermés sautés pour « chaque jour »), séparés en
    libres et impossibles, et le prix des libres. EspacesError si la série est mal formée."""
    creneaux = services.occurrences(
        c["debut"],
        c["fin"],
        frequence=c["frequence"],
        intervalle=c["intervalle"],
        jusqu_au=c.get("jusqu_au"),
        nombre=c.get("nombre"),
        jours=salle.jours(),
    )
    plan = services.planifier_serie(
        salle, creneaux, nb_personnes=c.get("nb_personnes") or 1, externe=False
    )
    estimation = selectors.estimer(
        salle, [(x.debut, x.fin) for x in plan.libres], structure=c["structure"]
    )
    return plan, estimation


def _reserver_serie(request, salle, form, context):
    c = form.cleaned_data
    try:
        plan, estimation = _plan_serie(salle, c)
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    context.update(plan=plan, estimation=estimation, ce_mois=_ce_mois())
    accepte = PrixAccepteForm.lire(request.POST)
    confirmee = request.POST.get("confirmer") == "1"
    if not confirmee and (plan.conflits or not estimation.est_gratuit):
        return render(request, "espaces/serie_confirmer.html", context)
    if confirmee and accepte is None and not estimation.est_gratuit:
        # Confirmed while free, and it costs something now: show the price again.
        context["erreur"] = (
            "Rien n'est réservé : le forfait du mois a été entamé entre-temps, la série "
            "coûte maintenant quelque chose. Vérifiez le prix puis confirmez."
        )
        return render(request, "espaces/serie_confirmer.html", context)
    try:
        _, faites, ratees = services.reserver_serie(
            ressource=salle,
            creneaux=plan.libres,
            frequence=c["frequence"],
            intervalle=c["intervalle"],
            jusqu_au=c.get("jusqu_au"),
            nombre=c.get("nombre"),
            titre=c["titre"],
            par=request.acteur,
            structure=c["structure"],
            nb_personnes=c["nb_personnes"],
            prix_accepte=Decimal(0) if accepte is None else accepte,
        )
    except services.PrixError as exc:
        plan, estimation = _plan_serie(salle, c)
        context.update(plan=plan, estimation=estimation, erreur=str(exc))
        return render(request, "espaces/serie_confirmer.html", context)
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    msg = f"Série réservée : {len(faites)} créneau{'x' if len(faites) > 1 else ''}."
    if ratees or plan.conflits:
        msg += f" {len(ratees) + len(plan.conflits)} créneau(x) non réservé(s)."
    messages.success(request, msg)
    return redirect("espaces:reservation-detail", faites[0].pk)


def _ce_mois():
    return timezone.localdate().replace(day=1)


def _estimation_de(salle, form: EstimationForm) -> dict:
    """Le contexte du fragment de prix pour les champs du formulaire : l'estimation, ou ce
    qui manque pour la calculer."""
    if not form.is_valid():
        return {"estimation": None, "ce_mois": _ce_mois()}
    c = form.cleaned_data
    try:
        if c.get("frequence"):
            plan, estimation = _plan_serie(salle, c)
            return {"estimation": estimation, "plan": plan, "ce_mois": _ce_mois()}
    except services.EspacesError as exc:
        return {"estimation": None, "probleme": str(exc), "ce_mois": _ce_mois()}
    estimation = selectors.estimer_reservation(
        salle, c["debut"], c["fin"], structure=c["structure"]
    )
    return {"estimation": estimation, "ce_mois": _ce_mois()}


@login_required
@require_GET
def estimation(request, slug):
    """Fragment htmx : le prix de la réservation que décrit le formulaire, à chaque
    changement d'un champ. Mêmes droits que le formulaire ; la structure d'une autre (ou
    une valeur qui n'en est pas une) est un 404 : la page ne dit rien de son forfait."""
    salle = salle_ou_404(slug)
    if not _peut_reserver(request.user):
        raise PermissionDenied
    form = EstimationForm(request.GET, structures=_structures_pour(request.user))
    if request.GET.get("structure") and form.has_error("structure"):
        raise Http404("Structure inconnue.")
    return render(request, "espaces/_estimation.html", _estimation_de(salle, form))


@login_required
def velos(request):
    if not _peut_reserver(request.user):
        raise PermissionDenied
    structures = _structures_pour(request.user)
    form = VeloForm(request.POST or None, structures=structures, initial=initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.reserver_velo(
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                structure=c["structure"],
                par=request.acteur,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{r.ressource} est réservé pour vous, {_libelle(r)}.")
            return redirect("espaces:reservation-detail", r.pk)
    le = parse_date(request.GET.get("date"), timezone.localdate())
    d, f = temps.day_bounds(le)
    parc = list(selectors.velos())
    pris = list(selectors.reservations_entre(parc, d, f))
    return render(
        request,
        "espaces/velos.html",
        {
            "form": form,
            "parc": parc,
            "pris": pris,
            "le": le,
            "voir_tout": is_staff_member(request.user),
            "mes_structures": mes_structures_ids(request.user),
        },
    )


@gestion_required
def velos_regles(request):
    """Les vélos du parc partagent les mêmes règles : on les modifie d'un coup."""
    velos = list(Ressource.objects.filter(categorie=Ressource.Categorie.VELO))
    if not velos:
        raise Http404("Aucun vélo.")
    form = RegleForm(request.POST or None, instance=velos[0])
    if request.method == "POST" and form.is_valid():
        regles = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.enregistrer_regles_velos(regles=regles, par=request.acteur)
        messages.success(request, "Les règles des vélos sont enregistrées.")
        return redirect("espaces:velos")
    return render(
        request, "espaces/regles_form.html", {"form": form, "espace": None, "ressource": velos[0]}
    )


@gestion_required
def reserver_externe(request, slug):
    salle = salle_ou_404(slug)
    form = ExterneForm(request.POST or None, initial=initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.reserver_pour_externe(
                ressource=salle,
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                nb_personnes=c["nb_personnes"],
                organisation=form.coordonnees(),
                par=request.acteur,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Réservation extérieure enregistrée : {r.externe.nom}, {_libelle(r)}."
            )
            return redirect("espaces:reservation-detail", r.pk)
    return render(request, "espaces/reserver_externe.html", {"form": form, "salle": salle})


@login_required
def reservation_detail(request, pk):
    r = _reservation(request.user, pk)
    now = timezone.now()
    modifiable = _peut_annuler(request.user) and r.est_active and r.fin > now
    if r.statut == Reservation.Statut.EN_ATTENTE:
        modifiable = modifiable and is_gestion(request.user)
    return render(
        request,
        "espaces/reservation_detail.html",
        {
            "r": r,
            "now": now,
            "peut_annuler": _peut_annuler(request.user),
            "peut_modifier": modifiable,
            "peut_decider": is_gestion(request.user),
        },
    )


def _refus(r, now) -> str | None:
    """Pourquoi `r` ne peut plus être modifiée ni annulée (passée, annulée…), ou None."""
    if not r.est_active:
        return (
            f"Cette réservation est {r.get_statut_display().lower()} : "
            "elle ne peut plus être modifiée ni annulée."
        )
    if r.fin <= now:
        return "Cette réservation est passée : elle ne peut plus être modifiée ni annulée."
    return None


def _date_et_heure(r: Reservation) -> str:
    """« mar. 10 mars 2026 à 09:00 »."""
    d = temps.paris(r.debut)
    return f"{dates.date_courte(d.date(), jour=True)} à {d:%H:%M}"


def _confirmation_annulation(request, r, portee: str):
    """La page qui dit ce qui sera annulé (et ce qui restera réservé, dans le préavis)."""
    now = timezone.now()
    refus = _refus(r, now)
    apercu = selectors.apercu_annulation(
        r,
        portee=portee,
        sans_preavis=services.peut_annuler_sans_preavis(request.acteur),
        now=now,
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
        question = f"Annuler « {r.titre} », {r.ressource.nom} le {_libelle(r)} ?"
    else:
        question = (
            f"Annuler {n} réservation{'s' * (n > 1)} de la série « {r.titre} » "
            f"({r.ressource.nom}) ?"
        )
    consequences = []
    if portee != "une":
        seront = "Seront annulées" if n > 1 else "Sera annulée"
        consequences.append(f"{seront} : {', '.join(_date_et_heure(x) for x in apercu.annulees)}.")
    if apercu.gardees:
        consequences.append(
            f"Resteront réservées, car dans le délai de préavis de "
            f"{r.ressource.preavis_annulation_heures} h : "
            f"{', '.join(_date_et_heure(x) for x in apercu.gardees)}. "
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


@login_required
@require_http_methods(["GET", "POST"])
def reservation_annuler(request, pk):
    """GET : la confirmation (ce qui sera annulé, ce qui restera) ; POST : annule."""
    r = _reservation(request.user, pk)
    if not _peut_annuler(request.user):
        raise PermissionDenied
    form = AnnulationForm(request.POST if request.method == "POST" else request.GET)
    portee = form.cleaned_data["portee"] if form.is_valid() else "une"
    if r.serie_id is None:
        portee = "une"
    if request.method == "GET":
        return _confirmation_annulation(request, r, portee)
    bloquees = []
    try:
        if portee == "une":
            annulees = [services.annuler(reservation=r, par=request.acteur)]
        else:
            result = services.annuler_serie(
                reservation=r, a_partir=portee == "suivantes", par=request.acteur
            )
            annulees, bloquees = result.annulees, result.bloquees
    except services.EspacesError as exc:
        messages.error(request, str(exc))
        return redirect("espaces:reservation-detail", r.pk)
    n = len(annulees)
    messages.success(request, "Réservation annulée." if n == 1 else f"{n} réservations annulées.")
    for b in bloquees:
        messages.warning(
            request,
            f"Le {_date_et_heure(b)} reste réservé : il est dans le délai de "
            f"préavis ({b.ressource.preavis_annulation_heures} h). Contactez l'équipe du PHARES.",
        )
    return redirect("espaces:reservation-liste")


@login_required
@require_http_methods(["GET", "POST"])
def reservation_modifier(request, pk):
    """Déplacer ou modifier une réservation (une seule occurrence d'une série), ou une
    demande en attente pour l'équipe. Si le nouveau créneau coûte plus, le prix est montré
    et la personne confirme « Confirmer (X € TTC) », comme pour réserver."""
    r = _reservation(request.user, pk)
    if not _peut_annuler(request.user):
        raise PermissionDenied
    if r.statut == Reservation.Statut.EN_ATTENTE and not is_gestion(request.user):
        raise PermissionDenied
    refus = _refus(r, timezone.now())
    if refus is not None:
        messages.error(request, refus)
        return redirect("espaces:reservation-detail", r.pk)
    form = ModificationForm(request.POST or None, initial=ModificationForm.initial_de(r))
    context = {"form": form, "r": r, "ce_mois": _ce_mois()}
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
        messages.success(request, f"{quoi} : {modifiee.ressource}, {_libelle(modifiee)}.")
    return redirect("espaces:reservation-detail", r.pk)


@gestion_required
@require_POST
def reservation_decider(request, pk):
    r = _reservation(request.user, pk)
    accepter = request.POST.get("decision") == "accepter"
    try:
        r = services.decider_demande(reservation=r, accepter=accepter, par=request.acteur)
    except services.EspacesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Demande acceptée." if accepter else "Demande refusée.")
    return redirect("espaces:reservation-detail", r.pk)


def _libelle(r: Reservation) -> str:
    """« mar. 10 mars 2026 de 09:00 à 10:00 » (heure de Paris)."""
    d, f = temps.paris(r.debut), temps.paris(r.fin)
    return f"{dates.date_courte(d.date(), jour=True)} de {d:%H:%M} à {f:%H:%M}"
