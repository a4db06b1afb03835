"""Demande publique de salle par une organisation extérieure (sans compte), et ce que le
formulaire montre avant l'envoi : les heures libres et occupées de la salle ce jour-là
(jamais qui l'occupe) et le prix estimé."""

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

from phares.lib import defis, limites, reseau

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

# Sending the form, counted in the shared cache (every worker sees the same counts) before
# anything else: each send costs a signature check and, if valid, the locked transaction of
# services.demander_salle, whose own bounds (5 requests per connection a day, 3 pending per
# address…) are exact but read the database. See docs/decisions.md « Abus ».
HEURE, JOUR = 3600, 24 * 3600
ENVOIS_PAR_IP = 20  # sends per hour and connection, whatever came of them
DEMANDES_PAR_EMAIL = 10  # valid forms per day and e-mail address
# A form without proof of work (no JavaScript) is let through, more sparingly.
SANS_PREUVE_PAR_IP = 3  # per day and connection
SANS_PREUVE_EN_TOUT = 30  # per hour, every connection together


def _trop(contact: str) -> dict:
    return {
        "ip": (
            "Trop d'envois depuis cette connexion en une heure : réessayez plus tard, ou "
            f"écrivez à l'équipe du PHARES ({contact})."
        ),
        "email": (
            "Trop de demandes pour cette adresse e-mail aujourd'hui : réessayez demain, ou "
            f"écrivez à l'équipe du PHARES ({contact})."
        ),
        "sans_preuve": (
            "Votre navigateur n'a pas fait la vérification anti-robot (JavaScript désactivé ?) "
            "et les demandes sans elle sont limitées pour l'instant. Activez JavaScript et "
            f"renvoyez le formulaire, ou écrivez à l'équipe du PHARES ({contact})."
        ),
    }


def _empreinte_email(email: str) -> str:
    return salted_hmac("espaces.demandes.email", email.strip().lower()).hexdigest()


class Refus(Exception):
    """Un envoi arrêté avant le service : le message pour le formulaire, le code HTTP."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _avant_envoi(request, ip: str) -> bool:
    """Ce qui arrête un envoi avant même de lire le formulaire : trop d'envois de cette
    connexion (429), défi absent, forgé, trop vieux ou déjà servi (400). Dit si le
    navigateur a fait la preuve de travail."""
    if not limites.autorise(f"demande-envoi:{ip}", nombre=ENVOIS_PAR_IP, fenetre=HEURE):
        raise Refus(_trop(_contact())["ip"], 429)
    try:
        return defis.verifier(request.POST.get("defi"), request.POST.get("preuve"))
    except defis.DefiRefuse as exc:
        raise Refus(str(exc), 400) from exc


def _bornes_du_formulaire(ip: str, email: str, *, preuve: bool) -> None:
    """Les bornes qui se lisent sur un formulaire valide : par adresse e-mail, et sans preuve
    de travail par connexion et pour tous ensemble (429)."""
    trop = _trop(_contact())
    cle = f"demande-email:{_empreinte_email(email)}"
    if not limites.autorise(cle, nombre=DEMANDES_PAR_EMAIL, fenetre=JOUR):
        raise Refus(trop["email"], 429)
    if not preuve and not (
        limites.autorise(f"demande-sans-preuve:{ip}", nombre=SANS_PREUVE_PAR_IP, fenetre=JOUR)
        and limites.autorise("demande-sans-preuve", nombre=SANS_PREUVE_EN_TOUT, fenetre=HEURE)
    ):
        raise Refus(trop["sans_preuve"], 429)


def _contact() -> str:
    return settings.PHARES_CONTACT["email"]


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
    if request.method != "POST":
        return _page(request, form, request.GET)
    ip = reseau.empreinte(reseau.adresse_client(request))
    try:
        preuve = _avant_envoi(request, ip)
        if form.is_valid():
            _bornes_du_formulaire(ip, form.cleaned_data["email"], preuve=preuve)
    except Refus as exc:
        form.add_error(None, str(exc))
        return _page(request, form, request.POST, status=exc.status)
    if form.is_valid():
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
    return _page(request, form, request.POST)


def _page(request, form, donnees, status=200):
    """Le formulaire, avec un défi neuf à chaque affichage : un défi ne sert qu'une fois."""
    return render(
        request,
        "espaces/demande_publique.html",
        {"form": form, "defi": defis.emettre(), **_disponibilites(request, donnees)},
        status=status,
    )


@require_GET
def demande_disponibilites(request):
    """Fragment htmx du formulaire public, à chaque changement de la salle, du jour ou des
    heures : plages libres et occupées, prix estimé. Ouvert à tous, borné : un seul jour,
    d'aujourd'hui au délai de réservation de la salle, et un nombre de lectures par
    connexion ; une saisie illisible est dite en français, jamais une erreur."""
    return render(request, "espaces/_disponibilites.html", _disponibilites(request, request.GET))
