"""Réservations : mes réservations, réserver une salle (seule ou en série) ou un vélo,
réservation extérieure, détail, annulation, décision sur une demande ; règles des vélos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from phares.lib import temps
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member

from .. import selectors, services
from ..filters import ReservationFilter
from ..forms._champs import parse_date
from ..forms.reservations import (
    AnnulationForm,
    ExterneForm,
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
    qs = selectors.reservations_visibles(request.user, staff=staff)
    f = ReservationFilter(request.GET, queryset=qs.order_by("-debut"), staff=staff)
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/reservation_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "staff": staff,
            "now": timezone.now(),
        },
    )


@login_required
def reserver(request, slug):
    salle = salle_ou_404(slug)
    if not _peut_reserver(request.user):
        raise PermissionDenied
    structures = _structures_pour(request.user)
    form = ReservationForm(
        request.POST or None, structures=structures, initial=initial_creneau(request)
    )
    context = {"form": form, "salle": salle}
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if c.get("frequence"):
            return _reserver_serie(request, salle, form, context)
        try:
            r = services.reserver(
                ressource=salle,
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                par=request.acteur,
                structure=c["structure"],
                nb_personnes=c["nb_personnes"],
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Réservation confirmée : {salle}, {_libelle(r)}.")
            return redirect("espaces:reservation-detail", r.pk)
    return render(request, "espaces/reserver.html", context)


def _reserver_serie(request, salle, form, context):
    c = form.cleaned_data
    try:
        creneaux = services.occurrences(
            c["debut"],
            c["fin"],
            frequence=c["frequence"],
            intervalle=c["intervalle"],
            jusqu_au=c.get("jusqu_au"),
            nombre=c.get("nombre"),
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    plan = services.planifier_serie(salle, creneaux, nb_personnes=c["nb_personnes"], externe=False)
    if plan.conflits and request.POST.get("confirmer") != "1":
        context.update({"plan": plan})
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
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    msg = f"Série réservée : {len(faites)} créneau{'x' if len(faites) > 1 else ''}."
    if ratees or plan.conflits:
        msg += f" {len(ratees) + len(plan.conflits)} créneau(x) non réservé(s)."
    messages.success(request, msg)
    return redirect("espaces:reservation-detail", faites[0].pk)


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
    return render(
        request,
        "espaces/reservation_detail.html",
        {
            "r": r,
            "form": AnnulationForm(),
            "now": timezone.now(),
            "peut_annuler": _peut_annuler(request.user),
            "peut_decider": is_gestion(request.user),
        },
    )


@login_required
@require_POST
def reservation_annuler(request, pk):
    r = _reservation(request.user, pk)
    if not _peut_annuler(request.user):
        raise PermissionDenied
    form = AnnulationForm(request.POST)
    portee = form.cleaned_data["portee"] if form.is_valid() else "une"
    bloquees = []
    try:
        if portee == "une" or r.serie_id is None:
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
            f"Le {temps.paris(b.debut):%d/%m/%Y à %H:%M} reste réservé : il est dans le délai de "
            f"préavis ({b.ressource.preavis_annulation_heures} h). Contactez l'équipe du PHARES.",
        )
    return redirect("espaces:reservation-liste")


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
    return temps.creneau(r.debut, r.fin)
