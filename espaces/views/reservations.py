"""Réservations : mes réservations, réserver une salle (seule ou en série, avec son prix
avant de confirmer) ou un vélo, réservation extérieure, détail, modification, annulation
(après confirmation), décision sur une demande ; règles des vélos."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from phares.lib import dates, liens, temps
from phares.lib.money import format_euros
from phares.lib.pagination import page_par_cles
from phares.roles import gestion_required, is_gestion, is_staff_member

from .. import selectors, services
from ..filters import ReservationFilter, parties_de_la_liste
from ..forms._champs import parse_date
from ..forms.reservations import (
    CreneauForm,
    EstimationForm,
    PrixAccepteForm,
    RegleForm,
    ReservationExterneForm,
    ReservationForm,
    VeloForm,
)
from ..models import Ressource
from ._acces import (
    ce_mois,
    initial_creneau,
    peut_reserver,
    salle_ou_404,
    structures_presentes,
    structures_reservantes,
)

# Confirmed while announced free, and the service found a price: the allowance was used
# meanwhile. Said as such rather than as a price above « 0,00 € accepted ».
SERIE_DEVENUE_PAYANTE = (
    "Rien n'est réservé : le forfait du mois a été entamé entre-temps, la série coûte "
    "maintenant quelque chose. Vérifiez le prix puis confirmez."
)


def _structures_pour(user):
    """L'équipe de gestion réserve pour n'importe quelle structure présente."""
    if is_gestion(user):
        return structures_presentes()
    return structures_reservantes(user)


COLONNES_DE_LA_LISTE = (
    "debut",
    "fin",
    "titre",
    "statut",
    "expire_le",
    "ressource__nom",
    "structure__nom",
    "externe__nom",
)


def _preparer_lignes(reservations, now) -> None:
    """Le moment, l'adresse et le statut de chaque ligne, écrits ici une fois : le gabarit
    y passait, pour cinquante lignes, trois filtres de date et un reverse() chacune."""
    detail = liens.modele("espaces:reservation-detail")
    for r in reservations:
        debut, fin = temps.paris(r.debut), temps.paris(r.fin)
        r.quand = f"{dates.date_courte(debut.date(), jour=True)}, {debut:%H:%M}–{fin:%H:%M}"
        r.detail_url = liens.pour(detail, r.pk)
        r.statut_libelle = r.statut_effectif(now).label


@login_required
def reservation_liste(request):
    """Mes réservations (celles de mes structures) ; toutes pour l'équipe, avec filtres."""
    staff = is_staff_member(request.user)
    now = timezone.now()
    qs = selectors.reservations_visibles(request.user, staff=staff)
    f = ReservationFilter(request.GET, queryset=qs, staff=staff)
    # By keys, no COUNT: the list grows with the history (phares.lib.pagination). The
    # valid fields filter (f.qs), "quand" picks the parts read.
    # The columns the rows show: not the booker, the series, the message or the billing.
    qs = (
        f.qs.select_related(None)
        .select_related("ressource", "structure", "externe")
        .only(*COLONNES_DE_LA_LISTE)
    )
    quand = f.form.cleaned_data.get("quand")
    page = page_par_cles(request, parties_de_la_liste(qs, quand), champ="debut", now=now)
    _preparer_lignes(page.elements, now)
    return render(
        request,
        "espaces/reservation_liste.html",
        {
            "filter": f,
            "page": page,
            "staff": staff,
            "now": now,
            # Booking for an outside organisation starts from one of the rooms open to them.
            "salles_externes": (
                selectors.salles()
                .filter(ouverte_aux_externes=True)
                .select_related(None)
                .only("nom", "slug")
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
    if not peut_reserver(request.user):
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
    """Sans montant accepté, la première validation : le prix, et la réservation tout de
    suite si elle est gratuite. Avec, la confirmation : le service refait le prix sous le
    verrou du forfait et refuse s'il a monté (rien n'est estimé deux fois)."""
    c = form.cleaned_data
    accepte = PrixAccepteForm.lire(request.POST)
    context["ce_mois"] = ce_mois()
    if accepte is None:
        context["estimation"] = _estimer_une(salle, c)
        if not context["estimation"].est_gratuit:
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
        estimation = _estimer_une(salle, c)
        context.update(estimation=estimation, a_confirmer=not estimation.est_gratuit)
        return render(request, "espaces/reserver.html", context)
    messages.success(
        request, f"Réservation confirmée : {salle}, {temps.creneau_lisible(r.debut, r.fin)}."
    )
    return redirect("espaces:reservation-detail", r.pk)


def _estimer_une(salle, c):
    return selectors.estimer_reservation(salle, c["debut"], c["fin"], structure=c["structure"])


def _plan(salle, c) -> services.PlanSerie:
    """Les créneaux que décrit le formulaire (un seul, ou ceux de la série, les jours fermés
    sautés pour « chaque jour »), séparés en libres et impossibles avec la raison, pour le
    nombre de personnes indiqué. EspacesError si la série est mal formée."""
    if c.get("frequence"):
        creneaux = services.occurrences(
            c["debut"],
            c["fin"],
            frequence=c["frequence"],
            intervalle=c["intervalle"],
            jusqu_au=c.get("jusqu_au"),
            nombre=c.get("nombre"),
            jours=salle.jours(),
        )
    else:
        creneaux = [services.Creneau(c["debut"], c["fin"])]
    return services.planifier_serie(
        salle, creneaux, nb_personnes=c.get("nb_personnes") or 1, externe=False
    )


def _estimer_plan(salle, c, plan):
    """Le prix des créneaux libres du plan."""
    return selectors.estimer(
        salle, [(x.debut, x.fin) for x in plan.libres], structure=c["structure"]
    )


def _reserver_serie(request, salle, form, context):
    """Première validation : les créneaux impossibles et le prix, sauf si tout est libre et
    gratuit (réservé d'un coup). Confirmation : le service refait le prix sous le verrou et
    refuse s'il dépasse le montant accepté ; la page est alors redemandée."""
    c = form.cleaned_data
    try:
        plan = _plan(salle, c)
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    context.update(plan=plan, ce_mois=ce_mois())
    accepte = PrixAccepteForm.lire(request.POST)
    if request.POST.get("confirmer") != "1":
        context["estimation"] = _estimer_plan(salle, c, plan)
        if plan.conflits or not context["estimation"].est_gratuit:
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
        plan = _plan(salle, c)  # the series as it is now, with its new price
        context.update(
            plan=plan,
            estimation=_estimer_plan(salle, c, plan),
            erreur=SERIE_DEVENUE_PAYANTE if accepte is None else str(exc),
        )
        return render(request, "espaces/serie_confirmer.html", context)
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    msg = f"Série réservée : {len(faites)} créneau{'x' if len(faites) > 1 else ''}."
    if ratees or plan.conflits:
        msg += f" {len(ratees) + len(plan.conflits)} créneau(x) non réservé(s)."
    messages.success(request, msg)
    return redirect("espaces:reservation-detail", faites[0].pk)


def _estimation_de(salle, form: EstimationForm) -> dict:
    """Le contexte du fragment de prix pour les champs du formulaire : l'estimation, ou ce
    qui manque pour la calculer, ou pourquoi rien ne pourrait être réservé (la raison que
    donnerait la validation : créneau pris, trop de personnes…)."""
    if not form.is_valid():
        return {"estimation": None, "ce_mois": ce_mois()}
    c = form.cleaned_data
    try:
        plan = _plan(salle, c)
    except services.EspacesError as exc:
        return {"estimation": None, "probleme": str(exc), "ce_mois": ce_mois()}
    if plan.conflits and not plan.libres:
        return {"estimation": None, "probleme": plan.conflits[0][1], "ce_mois": ce_mois()}
    return {"estimation": _estimer_plan(salle, c, plan), "plan": plan, "ce_mois": ce_mois()}


@login_required
@require_GET
def estimation(request, slug):
    """Fragment htmx : le prix de la réservation que décrit le formulaire, à chaque
    changement d'un champ. Mêmes droits que le formulaire ; la structure d'une autre (ou
    une valeur qui n'en est pas une) est un 404 : la page ne dit rien de son forfait."""
    salle = salle_ou_404(slug)
    if not peut_reserver(request.user):
        raise PermissionDenied
    form = EstimationForm(request.GET, structures=_structures_pour(request.user))
    if request.GET.get("structure") and form.has_error("structure"):
        raise Http404("Structure inconnue.")
    return render(request, "espaces/_estimation.html", _estimation_de(salle, form))


@login_required
def velos(request):
    """Comme une salle : quand le vélo coûte quelque chose (tarif à l'heure), la première
    validation montre le prix et « Confirmer (X € TTC) » ; gratuit, une seule étape."""
    if not peut_reserver(request.user):
        raise PermissionDenied
    structures = _structures_pour(request.user)
    form = VeloForm(request.POST or None, structures=structures, initial=initial_creneau(request))
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        reponse = _reserver_velo(request, form, context)
        if reponse is not None:
            return reponse
    le = parse_date(request.GET.get("date"), timezone.localdate())
    d, f = temps.day_bounds(le)
    parc = list(selectors.velos())
    context.update(
        parc=parc,
        pris=list(selectors.reservations_entre(parc, d, f)),
        le=le,
        voir_tout=is_staff_member(request.user),
        mes_structures=selectors.structures_du_membre_ids(request.user),
    )
    return render(request, "espaces/velos.html", context)


def _reserver_velo(request, form, context):
    """La redirection vers la réservation faite, ou None : la page se montre de nouveau
    (avec le prix à confirmer, ou l'erreur)."""
    c = form.cleaned_data
    accepte = PrixAccepteForm.lire(request.POST)
    if accepte is None and _prix_du_velo_a_confirmer(context, c):
        return None
    try:
        r = services.reserver_velo(
            debut=c["debut"],
            fin=c["fin"],
            titre=c["titre"],
            structure=c["structure"],
            par=request.acteur,
            prix_accepte=Decimal(0) if accepte is None else accepte,
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        _prix_du_velo_a_confirmer(context, c)  # the price as it is now
        return None
    messages.success(
        request,
        f"{r.ressource} est réservé pour vous, {temps.creneau_lisible(r.debut, r.fin)}.",
    )
    return redirect("espaces:reservation-detail", r.pk)


def _prix_du_velo_a_confirmer(context, c) -> bool:
    """Si le vélo coûte quelque chose : son prix et « Confirmer (X € TTC) » dans la page."""
    estimation = selectors.estimer_velo(c["debut"], c["fin"])
    if estimation is None or estimation.est_gratuit:
        return False
    context.update(estimation=estimation, a_confirmer=True)
    return True


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


def _initial_externe(request) -> dict:
    """Le créneau d'un lien de planning, et le client d'un lien de sa fiche (`client`)."""
    initial = initial_creneau(request)
    client = request.GET.get("client", "")
    if client.isascii() and client.isdigit() and len(client) < 19:
        initial["client"] = int(client)
    return initial


@gestion_required
def reserver_externe(request, slug):
    """Pour un client déjà connu (liste, ou lien de sa fiche) ou une nouvelle organisation ;
    le créneau vient du lien de planning. Le prix extérieur est dit avant d'enregistrer."""
    salle = salle_ou_404(slug)
    form = ReservationExterneForm(request.POST or None, initial=_initial_externe(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.reserver_pour_externe(
                ressource=salle,
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                nb_personnes=c["nb_personnes"],
                client=c.get("client"),
                organisation=form.coordonnees(),
                par=request.acteur,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            # One step: the staff are not the payer; the price shows here and on the page.
            prix = "gratuite" if r.montant.est_nul else f"{format_euros(r.montant.ttc)} TTC"
            messages.success(
                request,
                f"Réservation extérieure enregistrée : {r.externe.nom}, "
                f"{temps.creneau_lisible(r.debut, r.fin)} ({prix}).",
            )
            return redirect("espaces:reservation-detail", r.pk)
    return render(
        request,
        "espaces/reserver_externe.html",
        {"form": form, "salle": salle, "estimation": _estimation_externe(salle, form)},
    )


def _estimation_externe(salle, form):
    """Le prix extérieur du créneau que porte le formulaire (lien de planning ou saisie),
    ou None s'il n'est pas encore lisible."""
    donnees = form.data if form.is_bound else {k: v for k, v in form.initial.items()}
    creneau = CreneauForm(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in donnees.items()}
    )
    if not creneau.is_valid() or "debut" not in creneau.cleaned_data:
        return None
    c = creneau.cleaned_data
    return selectors.estimer_reservation(salle, c["debut"], c["fin"], externe=True)
