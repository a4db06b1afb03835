"""Demande publique de salle par une organisation extérieure (sans compte), et ce que le
formulaire montre avant l'envoi : les heures libres et occupées de la salle ce jour-là
(jamais qui l'occupe) et le prix estimé."""

from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from phares.lib import limites, reseau

from .. import selectors, services
from ..forms.reservations import DemandePubliqueForm, DisponibilitesForm
from ..services.reservations import fin_bloquee
from ._acces import initial_creneau

# What one connection may read of the rooms' availability (the fragment follows every
# change of the form): generous for a person, a wall for a script walking the calendar.
DISPONIBILITES_PAR_IP = 120
FENETRE_DISPONIBILITES = 10 * 60  # seconds
TROP_DE_LECTURES = (
    "Trop de demandes de disponibilités depuis cette connexion : réessayez dans quelques "
    "minutes, ou envoyez votre demande, l'équipe vous répondra."
)


def _disponibilites(request, donnees: QueryDict | dict) -> dict:
    """Le contexte du fragment : les plages de la salle et du jour choisis, le prix estimé
    du créneau s'il est donné, ou ce qui manque, ou pourquoi ce n'est pas possible."""
    if not (donnees.get("salle") and donnees.get("date")):
        return {"a_choisir": True}
    cle = f"disponibilites:{reseau.empreinte(reseau.adresse_client(request))}"
    if not limites.autorise(cle, nombre=DISPONIBILITES_PAR_IP, fenetre=FENETRE_DISPONIBILITES):
        return {"erreurs": [TROP_DE_LECTURES], "limite": True}
    now = timezone.now()
    form = DisponibilitesForm(donnees, today=timezone.localdate())
    if not form.is_valid():
        erreurs = [e for liste in form.errors.values() for e in liste]
        if "salle" in form.errors:
            erreurs = ["Choisissez une des salles de la liste."]
        return {"erreurs": erreurs}
    c = form.cleaned_data
    salle = c["salle"]
    dispo = selectors.disponibilites(salle, c["date"], now=now)
    context = {"dispo": dispo, "salle": salle}
    if "debut" in c:
        context.update(_prix(salle, c["debut"], c["fin"], dispo, now))
    return context


def _prix(salle, debut, fin, dispo, now) -> dict:
    """Le prix extérieur du créneau, ou pourquoi il ne peut pas être demandé (la raison
    que donnerait l'envoi : horaires, durée, créneau occupé), sans dire qui l'occupe."""
    try:
        services.verifier_regles(salle, debut, fin, 1, now=now, externe=True)
    except services.EspacesError as exc:
        return {"probleme": str(exc)}
    if dispo.occupe(debut, fin_bloquee(salle, fin)):
        return {"probleme": "Ce créneau est occupé : choisissez des heures libres."}
    return {"estimation": selectors.estimer_reservation(salle, debut, fin, externe=True)}


def demande_publique(request):
    """Une organisation extérieure demande une salle ; l'équipe accepte, refuse ou propose
    un autre créneau (voir services.demander_salle pour ses bornes). « Voir les
    disponibilités » (sans JavaScript) redonne la page remplie, avec les heures libres de la
    salle ce jour-là et le prix, sans rien envoyer."""
    if request.method == "POST" and "voir" in request.POST:
        donnees = request.POST
        # Unbound: what was typed comes back as is, without the errors of a half-filled form.
        form = DemandePubliqueForm(initial=donnees.dict())
        return _page(request, form, donnees)
    form = DemandePubliqueForm(request.POST or None, initial=initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.demander_salle(
                ressource=c["salle"],
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                nb_personnes=c["nb_personnes"],
                organisation=form.coordonnees(),
                message=c["message"],
                ip=reseau.adresse_client(request),
                par=request.acteur,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "espaces/demande_envoyee.html", {"r": r})
    return _page(request, form, request.POST if form.is_bound else request.GET)


def _page(request, form, donnees):
    return render(
        request,
        "espaces/demande_publique.html",
        {"form": form, **_disponibilites(request, donnees)},
    )


@require_GET
def demande_disponibilites(request):
    """Fragment htmx du formulaire public, à chaque changement de la salle, du jour ou des
    heures : plages libres et occupées, prix estimé. Ouvert à tous, borné : un seul jour,
    d'aujourd'hui au délai de réservation de la salle, et un nombre de lectures par
    connexion ; une saisie illisible est dite en français, jamais une erreur."""
    return render(request, "espaces/_disponibilites.html", _disponibilites(request, request.GET))
