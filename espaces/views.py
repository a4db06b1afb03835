import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from habitants import selectors as habitants_selectors
from habitants.models import Structure
from phares.forms import style_form
from phares.lib import dates, temps
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, is_staff_member, staff_required

from . import calendriers as cal
from . import ics, notifications, selectors, services
from .filters import ConsommationFilter, ConventionFilter, EspaceFilter, ReservationFilter
from .forms import (
    AnnulationForm,
    BatimentForm,
    ConsommationForm,
    ConventionForm,
    DemandePubliqueForm,
    EspaceForm,
    EtageFormSet,
    ExterneForm,
    ForfaitForm,
    RegleForm,
    ReservationForm,
    TarifForm,
    TerminerConventionForm,
    VeloForm,
    parse_date,
)
from .models import Batiment, Convention, Espace, ForfaitSalles, Reservation, Ressource, Tarif

# --- Scoped lookups ------------------------------------------------------------------


def _espace(slug) -> Espace:
    return get_object_or_404(Espace.objects.select_related("etage"), slug=slug)


def _salle(slug) -> Ressource:
    return get_object_or_404(
        Ressource.objects.select_related("espace__etage"),
        slug=slug,
        categorie=Ressource.Categorie.SALLE,
        active=True,
    )


def _reservation(user, pk) -> Reservation:
    """Une réservation de sa structure (ou n'importe laquelle pour l'équipe), sinon 404."""
    return get_object_or_404(
        selectors.reservations_visibles(user, staff=is_staff_member(user)), pk=pk
    )


def _structures_reservantes(user):
    return selectors.structures_reservantes(user, le=timezone.localdate())


def _mes_structures_ids(user) -> set[int]:
    return set(_structures_reservantes(user).values_list("pk", flat=True))


def _structures_presentes():
    return habitants_selectors.structures_presentes(le=timezone.localdate()).order_by("nom")


def _structures_pour(user):
    """L'équipe de gestion réserve pour n'importe quelle structure présente."""
    if is_gestion(user):
        return _structures_presentes()
    return _structures_reservantes(user)


def _peut_reserver(user) -> bool:
    return is_gestion(user) or _structures_reservantes(user).exists()


def _peut_annuler(user) -> bool:
    """La comptabilité lit les réservations, elle ne les annule pas."""
    return not is_staff_member(user) or is_gestion(user)


# --- Bâtiment et espaces (équipe) ----------------------------------------------------


@staff_required
def batiment(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    occupation = selectors.occupation(le=le)
    f = EspaceFilter(request.GET, queryset=Espace.objects.select_related("etage"), le=le)
    return render(
        request,
        "espaces/batiment.html",
        {
            "batiment": selectors.batiment(),
            "occupation": occupation,
            "filter": f,
            "espaces": f.qs.order_by("etage__niveau", "nom"),
            "le": le,
            "peut_modifier": is_gestion(request.user),
        },
    )


def _save_espace(form: EspaceForm) -> Espace:
    with transaction.atomic():
        espace = form.save(commit=False)
        if not espace.slug:
            espace.slug = form.slug_for(espace.nom)
        espace.save()
        reservable = form.cleaned_data.get("reservable")
        externes = form.cleaned_data.get("ouverte_aux_externes")
        ressource = Ressource.objects.filter(espace=espace).first()
        if ressource is None and reservable:
            Ressource.objects.create(
                categorie=Ressource.Categorie.SALLE,
                nom=espace.nom,
                slug=espace.slug,
                espace=espace,
                ouverte_aux_externes=bool(externes),
            )
        elif ressource is not None:
            ressource.active = bool(reservable)
            ressource.ouverte_aux_externes = bool(externes)
            ressource.nom = espace.nom
            ressource.save(update_fields=["active", "ouverte_aux_externes", "nom"])
    return espace


@gestion_required
def espace_nouveau(request):
    form = EspaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        espace = _save_espace(form)
        messages.success(request, f"L'espace « {espace.nom} » est créé.")
        return redirect("espaces:espace-detail", espace.slug)
    return render(request, "espaces/espace_form.html", {"form": form, "espace": None})


@staff_required
def espace_detail(request, slug):
    espace = _espace(slug)
    conventions = espace.conventions.select_related("structure").order_by("-debut")
    ressource = Ressource.objects.filter(espace=espace).first()
    return render(
        request,
        "espaces/espace_detail.html",
        {
            "espace": espace,
            "conventions": conventions,
            "ressource": ressource,
            "peut_modifier": is_gestion(request.user),
        },
    )


@gestion_required
def espace_modifier(request, slug):
    espace = _espace(slug)
    form = EspaceForm(request.POST or None, request.FILES or None, instance=espace)
    if request.method == "POST" and form.is_valid():
        _save_espace(form)
        messages.success(request, "Les modifications sont enregistrées.")
        return redirect("espaces:espace-detail", espace.slug)
    return render(request, "espaces/espace_form.html", {"form": form, "espace": espace})


@gestion_required
def espace_regles(request, slug):
    espace = _espace(slug)
    ressource = get_object_or_404(Ressource, espace=espace)
    form = RegleForm(request.POST or None, instance=ressource)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les règles de réservation sont enregistrées.")
        return redirect("espaces:espace-detail", espace.slug)
    return render(
        request,
        "espaces/regles_form.html",
        {"form": form, "espace": espace, "ressource": ressource},
    )


@gestion_required
def velos_regles(request):
    """Les vélos du parc partagent les mêmes règles : on les modifie d'un coup."""
    velos = list(Ressource.objects.filter(categorie=Ressource.Categorie.VELO))
    if not velos:
        raise Http404("Aucun vélo.")
    form = RegleForm(request.POST or None, instance=velos[0])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for v in velos:
                for name in form.Meta.fields:
                    setattr(v, name, form.cleaned_data[name])
                v.save()
        messages.success(request, "Les règles des vélos sont enregistrées.")
        return redirect("espaces:velos")
    return render(
        request, "espaces/regles_form.html", {"form": form, "espace": None, "ressource": velos[0]}
    )


@gestion_required
def batiment_modifier(request):
    """Le bâtiment (un seul par instance) et ses niveaux."""
    instance = selectors.batiment() or Batiment()
    form = BatimentForm(request.POST or None, instance=instance)
    etages = EtageFormSet(request.POST or None, instance=instance, prefix="etages")
    for f in etages.forms:
        style_form(f)
    if request.method == "POST" and form.is_valid() and etages.is_valid():
        try:
            with transaction.atomic():
                batiment = form.save()
                etages.instance = batiment
                etages.save()
        except IntegrityError:
            # The inline formset does not check (batiment, niveau) against the table: a level
            # added meanwhile in another tab, or two levels swapping numbers, end up here.
            form.add_error(
                None,
                "Un autre niveau porte déjà ce numéro (ajouté entre-temps ?). Rechargez la "
                "page ; pour échanger deux numéros, passez d'abord par un numéro libre.",
            )
        else:
            messages.success(request, "Le bâtiment est enregistré.")
            return redirect("espaces:batiment")
    return render(request, "espaces/batiment_form.html", {"form": form, "etages": etages})


# --- Conventions d'occupation -------------------------------------------------------------


@staff_required
def convention_liste(request):
    f = ConventionFilter(
        request.GET,
        queryset=Convention.objects.select_related("structure", "espace").order_by(
            "espace__nom", "poste", "-debut"
        ),
    )
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/convention_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_modifier": is_gestion(request.user),
            "today": timezone.localdate(),
        },
    )


@gestion_required
def convention_nouvelle(request):
    initial = {}
    # Only a slug reaches the query: PostgreSQL refuses a NUL byte with an error.
    if slug_re.match(request.GET.get("espace", "")):
        initial["espace"] = Espace.objects.filter(slug=request.GET["espace"]).first()
    form = ConventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            convention = services.creer_convention(
                structure=c["structure"],
                espace=c["espace"],
                debut=c["debut"],
                fin=c.get("fin"),
                poste=c.get("poste"),
                montant_mensuel_ht=c.get("montant_mensuel_ht"),
                notes=c.get("notes", ""),
                par=request.user,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Convention enregistrée : {convention}.")
            return redirect("espaces:convention-liste")
    return render(request, "espaces/convention_form.html", {"form": form})


@gestion_required
def convention_terminer(request, pk):
    convention = get_object_or_404(Convention.objects.select_related("structure", "espace"), pk=pk)
    form = TerminerConventionForm(request.POST or None, initial={"fin": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer_convention(
                convention=convention, fin=form.cleaned_data["fin"], par=request.user
            )
        except services.EspacesError as exc:
            form.add_error("fin", str(exc))
        else:
            messages.success(request, "La convention est terminée.")
            return redirect("espaces:convention-liste")
    return render(
        request, "espaces/convention_terminer.html", {"form": form, "convention": convention}
    )


# --- Tarifs et consommations ---------------------------------------------------------


@staff_required
def tarif_liste(request):
    form = TarifForm(request.POST or None) if is_gestion(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.enregistrer_tarif(tarif=form.save(commit=False), par=request.user)
            except services.EspacesError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Tarif enregistré.")
                return redirect("espaces:tarif-liste")
    tarifs = Tarif.objects.select_related("ressource").order_by("code", "-debut")
    return render(
        request,
        "espaces/tarif_liste.html",
        {"tarifs": tarifs, "form": form, "today": timezone.localdate()},
    )


@login_required
def consommation_liste(request):
    staff = is_staff_member(request.user)
    structures = (
        Structure.objects.actives().order_by("nom")
        if staff
        else _structures_reservantes(request.user)
    )
    if not staff and not structures.exists():
        raise PermissionDenied
    f = ConsommationFilter(
        request.GET, queryset=selectors.consommations(structures), structures=structures
    )
    f.form.auto_id = "filtre_%s"  # the entry form on the same page uses id_*
    form = ConsommationForm(
        request.POST or None, structures=structures, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.enregistrer_consommation(
                structure=c["structure"],
                service=c["service"],
                date=c["date"],
                quantite=c["quantite"],
                par=request.user,
                commentaire=c.get("commentaire", ""),
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Consommation enregistrée.")
            return redirect("espaces:consommation-liste")
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/consommation_liste.html",
        {"filter": f, "page": page, "form": form, "query": query},
    )


# --- Réservations -----------------------------------------------------------------------


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
def jour(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    mes_structures = _mes_structures_ids(request.user)
    return render(
        request,
        "espaces/jour.html",
        {
            "le": le,
            "lignes": selectors.jour_toutes_salles(le),
            "veille": le - datetime.timedelta(days=1),
            "lendemain": le + datetime.timedelta(days=1),
            "voir_tout": is_staff_member(request.user),
            "mes_structures": mes_structures,
            "peut_reserver": is_gestion(request.user) or bool(mes_structures),
        },
    )


@login_required
def semaine(request, slug):
    salle = _salle(slug)
    lundi = temps.monday_of(parse_date(request.GET.get("semaine"), timezone.localdate()))
    mes_structures = _mes_structures_ids(request.user)
    return render(
        request,
        "espaces/semaine.html",
        {
            "salle": salle,
            "lundi": lundi,
            "jours": selectors.semaine(salle, lundi),
            "precedente": lundi - datetime.timedelta(days=7),
            "suivante": lundi + datetime.timedelta(days=7),
            "voir_tout": is_staff_member(request.user),
            "mes_structures": mes_structures,
            "peut_reserver": is_gestion(request.user) or bool(mes_structures),
            "salles": selectors.salles(),
        },
    )


def _initial_creneau(request) -> dict:
    initial = {}
    le = parse_date(request.GET.get("date"), None) if request.GET.get("date") else None
    if le:
        initial["date"] = le
    for key in ("heure_debut", "heure_fin"):
        value = request.GET.get(key, "")
        with contextlib.suppress(ValueError):
            initial[key] = datetime.time.fromisoformat(value) if value else None
    return {k: v for k, v in initial.items() if v is not None}


@login_required
def reserver(request, slug):
    salle = _salle(slug)
    if not _peut_reserver(request.user):
        raise PermissionDenied
    structures = _structures_pour(request.user)
    form = ReservationForm(
        request.POST or None, structures=structures, initial=_initial_creneau(request)
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
                par=request.user,
                structure=c["structure"],
                nb_personnes=c["nb_personnes"],
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            _notifier(request, r, "confirmee")
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
            par=request.user,
            structure=c["structure"],
            nb_personnes=c["nb_personnes"],
        )
    except services.EspacesError as exc:
        form.add_error(None, str(exc))
        return render(request, "espaces/reserver.html", context)
    _notifier(request, faites[0], "confirmee", serie=faites)
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
    form = VeloForm(request.POST or None, structures=structures, initial=_initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.reserver_velo(
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                structure=c["structure"],
                par=request.user,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            _notifier(request, r, "confirmee")
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
            "mes_structures": _mes_structures_ids(request.user),
        },
    )


@gestion_required
def reserver_externe(request, slug):
    salle = _salle(slug)
    form = ExterneForm(request.POST or None, initial=_initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            with transaction.atomic():
                client = form.client()
                client.save()
                r = services.reserver(
                    ressource=salle,
                    debut=c["debut"],
                    fin=c["fin"],
                    titre=c["titre"],
                    par=request.user,
                    externe=client,
                    nb_personnes=c["nb_personnes"],
                )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            # No link in the mail: the organisation has no account to open it with.
            notifications.envoyer(r, "confirmee", request=None)
            messages.success(
                request, f"Réservation extérieure enregistrée : {client.nom}, {_libelle(r)}."
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
            annulees = [services.annuler(reservation=r, par=request.user)]
        else:
            result = services.annuler_serie(
                reservation=r, a_partir=portee == "suivantes", par=request.user
            )
            annulees, bloquees = result.annulees, result.bloquees
    except services.EspacesError as exc:
        messages.error(request, str(exc))
        return redirect("espaces:reservation-detail", r.pk)
    # Every occurrence cancelled goes in the e-mail's calendar file, so calendars that
    # imported the series drop them all.
    _notifier(request, annulees[0], "annulee", serie=annulees if len(annulees) > 1 else None)
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
        r = services.decider_demande(reservation=r, accepter=accepter, par=request.user)
    except services.EspacesError as exc:
        messages.error(request, str(exc))
    else:
        # The organisation is told either way (its e-mail said "en attente").
        _notifier(request, r, "confirmee" if accepter else "refusee")
        messages.success(request, "Demande acceptée." if accepter else "Demande refusée.")
    return redirect("espaces:reservation-detail", r.pk)


def _libelle(r: Reservation) -> str:
    return temps.creneau(r.debut, r.fin)


def _notifier(request, reservation, evenement, serie=None):
    notifications.envoyer(reservation, evenement, serie=serie, request=request)


# --- Calendriers (flux iCalendar) ---------------------------------------------------------


@login_required
def calendriers_page(request):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoquer":
            cal.revoquer(request.user)
            messages.success(
                request,
                "Liens révoqués : les agendas abonnés ne se mettent plus à jour.",
            )
            return redirect("espaces:calendriers")
        token = cal.nouveau_jeton(request.user)
    if is_staff_member(request.user):
        structures = _structures_presentes()
    else:
        structures = _structures_reservantes(request.user)
    base = request.build_absolute_uri("/")[:-1]
    return render(
        request,
        "espaces/calendriers.html",
        {
            "token": token,
            "actif": cal.jeton_actif(request.user),
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
    user = cal.user_for(token)
    if user is None:
        raise Http404("Lien d'abonnement inconnu ou révoqué.")
    return user


def ics_salle(request, token, slug):
    user = _feed_user(token)
    salle = _salle(slug)
    staff = is_staff_member(user)
    mine = cal.mes_structures_ids(user)
    content = ics.calendrier(
        cal.flux_salle(salle),
        nom=f"{salle.nom} — PHARES",
        detail_for=lambda r: staff or r.structure_id in mine,
    )
    return _ics_response(content, f"{salle.slug}.ics")


def ics_structure(request, token, slug):
    user = _feed_user(token)
    structure = get_object_or_404(Structure.objects.actives(), slug=slug)
    if not is_staff_member(user) and structure.pk not in cal.mes_structures_ids(user):
        raise Http404("Structure introuvable.")
    content = ics.calendrier(
        cal.flux_structure(structure), nom=f"{structure.nom} — réservations PHARES"
    )
    return _ics_response(content, f"{structure.slug}.ics")


def ics_personne(request, token):
    user = _feed_user(token)
    content = ics.calendrier(
        cal.flux_personne(user, staff=is_staff_member(user)), nom="Mes réservations PHARES"
    )
    return _ics_response(content, "mes-reservations.ics")


@gestion_required
def forfaits(request):
    initial = {"debut": timezone.localdate().replace(day=1)}
    if request.GET.get("structure", "").isdigit():
        initial["structure"] = request.GET["structure"]
    form = ForfaitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.definir_forfait(
                structure=c["structure"],
                heures_par_mois=c["heures_par_mois"],
                debut=c["debut"],
                par=request.user,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Forfait de {c['structure']} enregistré.")
            return redirect("espaces:forfaits")
    today = timezone.localdate()
    courants = (
        ForfaitSalles.objects.filter(dates.active_on(today))
        .select_related("structure")
        .order_by("structure__nom")
    )
    return render(request, "espaces/forfaits.html", {"form": form, "forfaits": courants})


DELAI_DEMANDE = datetime.timedelta(days=7)


def demande_publique(request):
    """Une organisation extérieure demande une salle : la demande tient le créneau
    jusqu'à la décision de l'équipe, au plus 7 jours (et jamais au-delà du début)."""
    form = DemandePubliqueForm(request.POST or None, initial=_initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        now = timezone.now()
        try:
            with transaction.atomic():
                services.verifier_quota_demandes(c["email"], now=now)
                client = form.client()
                client.save()
                r = services.reserver(
                    ressource=c["salle"],
                    debut=c["debut"],
                    fin=c["fin"],
                    titre=c["titre"],
                    par=None,
                    externe=client,
                    nb_personnes=c["nb_personnes"],
                    statut=Reservation.Statut.EN_ATTENTE,
                    expire_le=min(c["debut"], now + DELAI_DEMANDE),
                    now=now,
                )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            notifications.envoyer(r, "demande", request=None)
            notifications.prevenir_equipe(r, request=request)
            return render(request, "espaces/demande_envoyee.html", {"r": r})
    return render(request, "espaces/demande_publique.html", {"form": form})
