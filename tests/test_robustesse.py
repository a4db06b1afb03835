"""Un nouvel utilisateur hostile : saisies absurdes dans chaque formulaire, identifiants
d'une autre structure, rôles en bord de période, fichiers piégés, redirections et HTML
injectés.

Chaque réponse est une page normale (jamais un 500) et ce qui est refusé ne change rien
en base. Le fichier tourne tel quel sur SQLite et sur PostgreSQL (DATABASE_URL) : c'est
PostgreSQL qui refuse les octets NUL, les entiers hors de leur colonne et les chaînes
trop longues, là où SQLite les avale sans rien dire.
"""

import datetime
import io
import struct
import warnings
import zlib
from html.parser import HTMLParser

import icalendar
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from espaces import services
from espaces.models import (
    Batiment,
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    Etage,
    ForfaitSalles,
    JetonCalendrier,
    Reservation,
    Ressource,
    SerieReservations,
    Tarif,
)
from gouvernance.models import Associe, DemandeRetrait, Mandat, MouvementCapital, PosteDedie
from habitants.models import ChiffresAnnuels, Domaine, Invitation, Membre, Structure
from habitants.selectors import annees_declarables
from phares.lib import temps
from tests import test_permissions
from tests.conftest import PASSWORD, acteur, client_as, preuve_de_travail
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, inserer, paris
from tests.test_permissions import INVITE_TOKEN

pytestmark = pytest.mark.django_db

# The permission matrix's world: every persona, bookings of A and B, invitations, a token.
world = test_permissions.world

# Monday 2 March 2026, 8 am in Paris; JOUR is the next Tuesday.
JOUR = "2026-03-10"
HIER = datetime.date(2026, 3, 1)
HUGE_PK = 2**63  # one past PostgreSQL's bigint
LONG_EMAIL = "x" * 290 + "@example.org"  # valid for Django's forms (320), not for the column
CHIFFRES = {
    "emplois_permanents": "3",
    "salaries_insertion": "2",
    "services_civiques": "1",
    "benevoles": "4",
}
REGLES = {
    "heure_ouverture": "08:00",
    "heure_fermeture": "20:00",
    "jours_ouverture": "12345",
    "duree_min_minutes": "30",
    "duree_max_minutes": "600",
    "delai_max_jours": "180",
    "preavis_annulation_heures": "24",
    "battement_minutes": "0",
}
# The largest values the booking rules accept (a day, ten years, a year of notice).
MAXIMA_REGLES = {
    "duree_min_minutes": 1440,
    "duree_max_minutes": 1440,
    "delai_max_jours": 3660,
    "preavis_annulation_heures": 8784,
    "battement_minutes": 1440,
}
MODELES = [
    Structure,
    Membre,
    Invitation,
    ChiffresAnnuels,
    Domaine,
    Batiment,
    Etage,
    Espace,
    Ressource,
    Convention,
    Tarif,
    ForfaitSalles,
    Consommation,
    Reservation,
    SerieReservations,
    ClientExterne,
    JetonCalendrier,
    Associe,
    MouvementCapital,
    DemandeRetrait,
    Mandat,
    PosteDedie,
]


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _sans_limite_de_debit():
    # allauth counts failed logins in the cache: the garbage below must not lock out
    # the next tests (time is frozen, the window never slides).
    cache.clear()
    yield
    cache.clear()


def etat() -> dict:
    """Toute la base métier, pour vérifier qu'une requête refusée n'a rien écrit."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELES}


def reservation_data(structure, **extra) -> dict:
    return {
        "date": JOUR,
        "heure_debut": "09:00",
        "heure_fin": "10:00",
        "titre": "Comité",
        "nb_personnes": "3",
        "structure": structure.pk,
        "frequence": "",
        **extra,
    }


def externe_data(**extra) -> dict:
    return {
        "date": JOUR,
        "heure_debut": "14:00",
        "heure_fin": "15:00",
        "titre": "Assemblée générale",
        "nb_personnes": "5",
        "organisation": "Fédération",
        "email": "contact@federation.test",
        "adresse_facturation": "Bordeaux",
        **extra,
    }


def ics_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Every form, every field, garbage ----------------------------------------------------


class _Formulaire(HTMLParser):
    """Les formulaires POST d'une page : leurs champs, leur type et leur valeur initiale."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"values": {}, "types": {}}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select and self._form is not None:
                values, name = self._form["values"], self._select
                if "selected" in a or (not values.get(name) and a.get("value")):
                    values[name] = a.get("value", "")
            return
        name, values, types = a["name"], self._form["values"], self._form["types"]
        if tag == "input":
            kind = a.get("type", "text")
            types[name] = kind
            if kind not in ("checkbox", "radio") or "checked" in a:
                values[name] = a.get("value", "")
        elif tag == "textarea":
            types[name], values[name] = "textarea", ""
        elif tag == "select":
            types[name], values[name], self._select = "select", "", name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


COMMUN = ["a\x00b", "x" * 10_000, str(HUGE_PK), "é😀\u202e<script>alert(1)</script>"]
PAR_TYPE = {
    "number": ["-1", "1000000000000", "1e20", "NaN", "9" * 40, "1.5"],
    "date": ["0001-01-01", "9999-12-31", "2026-02-30", "31/12/2026"],
    "time": ["25:00", "23:59:59.999999", "-1:00"],
    "email": [LONG_EMAIL, "pas-une-adresse"],
    "text": ["a\r\nBcc: pirate@example.org", LONG_EMAIL, "-1"],
    "textarea": ["a\r\nb"],
    "url": ["javascript:alert(1)", "https://" + "a" * 300 + ".fr"],
    "select": ["-1", "9999999"],
    "hidden": ["-1", "-99999999999999999999"],
}

# (persona, URL name, args, what makes the form valid beyond the page's own values)
FORMULAIRES = [
    ("gestion", "habitants:structure-nouvelle", (), {"nom": "Nouvelle structure"}),
    ("gestion", "habitants:structure-modifier", ("$slug_a",), {}),
    ("gestion", "habitants:structure-inviter", ("$slug_a",), {"email": "x@example.org"}),
    ("gestion", "habitants:structure-chiffres", ("$slug_a", "$annee"), CHIFFRES),
    ("gestion", "habitants:domaine-liste", (), {"nom": "Culture", "ordre": "3"}),
    ("gestion", "habitants:domaine-modifier", ("$domaine_pk",), {}),
    ("referent_a", "habitants:mon-espace-profil", ("$slug_a",), {}),
    ("referent_a", "habitants:mon-espace-chiffres", ("$slug_a", "$annee"), CHIFFRES),
    ("referent_a", "habitants:mon-espace-inviter", ("$slug_a",), {"email": "x@example.org"}),
    (
        "anonyme",
        "habitants:invitation-accepter",
        (INVITE_TOKEN,),
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    ),
    ("gestion", "espaces:batiment-modifier", (), {}),
    ("gestion", "espaces:espace-nouveau", (), {"nom": "Salle B", "type": "salle_reunion"}),
    ("gestion", "espaces:espace-modifier", ("salle-a",), {}),
    ("gestion", "espaces:espace-regles", ("salle-a",), {}),
    ("gestion", "espaces:velos-regles", (), {}),
    ("gestion", "espaces:convention-nouvelle", (), {"espace": "$bureau-102", "debut": JOUR}),
    ("gestion", "espaces:convention-terminer", ("$convention_pk",), {}),
    (
        "gestion",
        "espaces:tarif-liste",
        (),
        {"code": "velo_heure", "montant_ht": "2", "taux_tva": "20", "debut": "2026-01-01"},
    ),
    ("gestion", "espaces:forfaits", (), {"heures_par_mois": "10"}),
    ("gestion", "espaces:tarif-terminer", ("$tarif_pk",), {}),
    ("gestion", "espaces:tarif-remplacer", ("$tarif_pk",), {"a_partir_du": "2026-04-01"}),
    ("gestion", "espaces:consommation-liste", (), {"service": "impression", "quantite": "3"}),
    ("referent_a", "espaces:consommation-liste", (), {"service": "impression", "quantite": "3"}),
    (
        "referent_a",
        "espaces:reserver",
        ("salle-a",),
        {
            "date": JOUR,
            "heure_debut": "09:00",
            "heure_fin": "10:00",
            "titre": "Comité",
            "nb_personnes": "3",
            "frequence": "",
        },
    ),
    (
        "referent_a",
        "espaces:velos",
        (),
        {"date": JOUR, "heure_debut": "09:00", "heure_fin": "10:00", "titre": "Livraison"},
    ),
    ("gestion", "espaces:reserver-externe", ("salle-a",), externe_data()),
    ("referent_a", "espaces:reservation-modifier", ("$reservation_a_pk",), {}),
    ("gestion", "espaces:reservation-modifier", ("$demande_pk",), {}),
    ("anonyme", "espaces:demande-publique", (), externe_data()),
    ("gestion", "espaces:client-modifier", ("$client_externe_pk",), {"adresse_facturation": "Pau"}),
    (
        "cogerant",
        "gouvernance:seance-nouvelle",
        (),
        {
            "type": "cogerance",
            "date": "2015-06-09",
            "heure_debut": "18:00",
            "heure_fin": "20:00",
            "lieu": "PHARES",
            "salle": "",
            "structure": "",
        },
    ),
    ("associe", "gouvernance:proposer", (), {"titre": "Repas mensuels"}),
    (
        "cogerant",
        "gouvernance:decision-modifier",
        ("$seance_pk", "$decision_pk"),
        {
            "decision-titre": "Tarif",
            "decision-texte": "120 € par mois.",
            "decision-categorie": "tarifs",
            "decision-mode": "vote",
            "decision-pour": "1",
            "decision-contre": "0",
            "decision-abstention": "0",
        },
    ),
    (
        "gestion",
        "gouvernance:colleges",
        (),
        {
            "colleges-0-nom": "Habitants",
            "colleges-0-poids": "50",
            "colleges-1-nom": "Salariés",
            "colleges-1-poids": "50",
        },
    ),
    (
        "gestion",
        "gouvernance:associe-nouveau",
        (),
        {"structure": "", "personne": "", "representant": "", "nom": "Jeanne Fondatrice"},
    ),
    ("cogerant", "gouvernance:associe-modifier", ("$associe_structure_pk",), {"representant": ""}),
    ("cogerant", "gouvernance:associe-sortie", ("$associe_structure_pk",), {}),
    ("gestion", "gouvernance:souscrire", ("$associe_structure_pk",), {"parts": "2"}),
    ("gestion", "gouvernance:retrait-demander", ("$associe_structure_pk",), {"parts": "1"}),
    ("gestion", "gouvernance:rembourser", ("$demande_retrait_pk",), {}),
    ("cogerant", "gouvernance:retrait-annuler", ("$demande_retrait_pk",), {"motif": "Erreur"}),
    ("gestion", "gouvernance:mandat-nouveau", (), {"fonction": "president"}),
    ("gestion", "gouvernance:mandat-terminer", ("$mandat_pk",), {}),
    ("gestion", "gouvernance:poste-nouveau", (), {"intitule": "Accueil", "employeur": "SCIC"}),
    ("gestion", "gouvernance:poste-modifier", ("$poste_pk",), {}),
    ("gestion", "rapports:textes", ("2015",), {"introduction": "Le PHARES en 2015."}),
    ("referent_a", "account_email", (), {"email": "autre@halage.test", "action_add": ""}),
    ("anonyme", "account_login", (), {"login": "referent@halage.test", "password": PASSWORD}),
    ("anonyme", "account_reset_password", (), {"email": "referent@halage.test"}),
]


def _valeurs(valeurs: dict) -> dict:
    """ "$bureau-102" -> la clé de cet espace."""
    out = {}
    for k, v in valeurs.items():
        if isinstance(v, str) and v.startswith("$"):
            v = str(Espace.objects.get(slug=v[1:]).pk)
        out[k] = v
    return out


def _poste(client, url, data):
    """POST dans un point de sauvegarde annulé ensuite : chaque essai part du même état (le
    cache aussi : compteurs des limites, défis déjà servis). Le formulaire public reçoit un
    défi neuf et sa preuve, sauf si l'essai porte sur eux."""
    cache.clear()
    if url == reverse("espaces:demande-publique"):
        data = {**preuve_de_travail(), **data}
    sid = transaction.savepoint()
    try:
        return client.post(url, data)
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize(
    ("persona", "name", "args", "valides"), FORMULAIRES, ids=[f"{f[1]}-{f[0]}" for f in FORMULAIRES]
)
def test_chaque_champ_de_chaque_formulaire_refuse_les_dechets(persona, name, args, valides, world):
    args = [world[a[1:]] if a.startswith("$") else a for a in args]
    url = reverse(name, args=args)
    client = client_as(world["personas"][persona])
    page = client.get(url)
    assert page.status_code == 200
    parser = _Formulaire()
    parser.feed(page.content.decode())
    form = max(
        (f for f in parser.forms if set(valides) - {"action_add"} <= set(f["types"])),
        key=lambda f: len(f["types"]),
    )
    base = {**form["values"], **_valeurs(valides)}
    for cle in ("csrfmiddlewaretoken", "defi", "preuve"):  # _poste gives a fresh challenge
        base.pop(cle, None)
    # The baseline is accepted: the garbage below is what gets a field refused.
    response = _poste(client, url, base)
    if name == "espaces:demande-publique":
        assert response.status_code == 200 and "form" not in response.context
    else:
        assert response.status_code == 302, response.context and response.context["form"].errors
    echecs = []
    for champ, kind in form["types"].items():
        if champ == "csrfmiddlewaretoken" or kind in ("file", "submit"):
            continue
        for dechet in COMMUN + PAR_TYPE.get(kind, []):
            try:
                status = _poste(client, url, {**base, champ: dechet}).status_code
            except Exception as exc:  # the test client re-raises what would be a 500
                echecs.append(f"{champ}={dechet[:30]!r}: {type(exc).__name__}: {exc}"[:300])
            else:
                if status >= 500:
                    echecs.append(f"{champ}={dechet[:30]!r}: {status}")
    assert not echecs, "\n".join(echecs)


@pytest.mark.parametrize(
    ("persona", "url", "data", "champ"),
    [
        ("gestion", "/habitants/nouvelle/", {"forme_juridique": "association"}, "nom"),
        ("referent_a", "/mon-espace/halage/profil/", {}, "description"),
        ("referent_a", "/mon-espace/halage/chiffres/2025/", CHIFFRES, "commentaire"),
        ("gestion", "/habitants/domaines/", {"ordre": "1"}, "nom"),
        ("referent_a", "/reservations/salles/salle-a/reserver/", "$reservation", "titre"),
        ("referent_a", "/espaces/consommations/", "$consommation", "commentaire"),
        ("gestion", "/espaces/conventions/nouvelle/", "$convention", "notes"),
        ("anonyme", "/salles/demande/", "$demande", "organisation"),
        ("anonyme", "/salles/demande/", "$demande", "adresse_facturation"),
        ("gestion", "/espaces/batiment/", "$batiment", "nom"),
    ],
)
def test_un_octet_nul_est_une_erreur_de_saisie(persona, url, data, champ, world, structure_a):
    """PostgreSQL refuse le caractère NUL dans un texte : le formulaire doit l'arrêter avant."""
    salle = Ressource.objects.get(slug="salle-a")
    if isinstance(data, str):
        data = {
            "$reservation": reservation_data(structure_a),
            "$consommation": {"structure": structure_a.pk, "service": "impression", "quantite": 2},
            "$convention": {
                "structure": structure_a.pk,
                "espace": Espace.objects.get(slug="bureau-102").pk,
                "debut": JOUR,
            },
            "$demande": {**externe_data(), "salle": salle.pk, **preuve_de_travail()},
            "$batiment": {
                "adresse": "",
                "surface_m2": "100",
                "etages-TOTAL_FORMS": "0",
                "etages-INITIAL_FORMS": "0",
            },
        }[data]
    client = client_as(world["personas"][persona])
    avant = etat()
    response = client.post(url, {**data, champ: "avant\x00après"})
    assert response.status_code == 200
    assert champ in response.context["form"].errors
    assert etat() == avant


NUL_EN_PARAMETRE = [
    "/espaces/conventions/nouvelle/?espace=a%00b",
    "/espaces/forfaits/?structure=%00",
    "/espaces/forfaits/?structure=%C2%B2",  # "²".isdigit() is True
    f"/espaces/forfaits/?structure={HUGE_PK}",
    "/habitants/?q=a%00b&domaine=%00&presence=%00&associe=%00&archivees=%00",
    f"/habitants/?domaine={HUGE_PK}",
    "/annuaire/?q=a%00&domaine=%00",
    "/habitants/chiffres/?annee=%00",
    "/habitants/chiffres/?annee=" + "9" * 5000,
    "/espaces/?date=%00&etage=%00&type=%00&occupation=%00",
    "/espaces/?date=0001-01-01",
    "/espaces/conventions/?active_le=%00&structure=%00&espace=%00",
    f"/espaces/conventions/?active_le=9999-12-31&structure={HUGE_PK}",
    "/espaces/consommations/?du=%00&au=0001-01-01&structure=%00&service=%00",
    "/espaces/consommations/?structure=%C2%B2",
    f"/espaces/consommations/?structure={HUGE_PK}",
    "/reservations/?ressource=%00&structure=%00&statut=%00&quand=%00&page=%00",
    f"/reservations/?ressource={HUGE_PK}&page={HUGE_PK}",
    "/reservations/jour/?date=%00",
    "/reservations/jour/?date=9999-12-31",
    "/reservations/salles/salle-a/?semaine=0001-01-01",
    "/reservations/salles/salle-a/reserver/?date=%00&heure_debut=%00&heure_fin=25:00",
    "/reservations/salles/salle-a/estimation/?date=%00&heure_debut=%00&structure=%00",
    f"/reservations/salles/salle-a/estimation/?structure={HUGE_PK}&frequence=%00&nombre=9e99",
    "/reservations/salles/salle-a/estimation/?date=2026-03-10&heure_debut=09:00&heure_fin=10:00"
    "&frequence=quotidienne&nombre=200&jusqu_au=9999-12-31&intervalle=-1",
    "/reservations/velos/?date=2026-02-30",
    "/salles/demande/?date=%00&heure_debut=%00",
    "/comptes/login/?next=%00",
    "/invitation/%00/",
    "/calendriers/%00/moi.ics",
    "/calendriers/%00/salles/salle-a.ics",
]


@pytest.mark.parametrize("url", NUL_EN_PARAMETRE)
def test_parametres_d_url_absurdes(url, world):
    response = client_as(world["personas"]["gestion"]).get(url)
    assert response.status_code in (200, 302, 404)


def test_identifiants_hors_de_portee_ou_inexistants(world):
    """2**63 ne tient pas dans un bigint : 404, pas une erreur de base."""
    gestion = client_as(world["personas"]["gestion"])
    referent = client_as(world["personas"]["referent_a"])
    a = world["slug_a"]
    for client, method, url in [
        (gestion, "get", f"/habitants/domaines/{HUGE_PK}/"),
        (gestion, "post", f"/habitants/fiche/{a}/membres/{HUGE_PK}/retirer/"),
        (gestion, "post", f"/habitants/fiche/{a}/invitations/{HUGE_PK}/annuler/"),
        (gestion, "get", f"/habitants/fiche/{a}/chiffres/{HUGE_PK}/"),
        (gestion, "get", f"/espaces/conventions/{HUGE_PK}/terminer/"),
        (gestion, "post", f"/reservations/{HUGE_PK}/decider/"),
        (referent, "post", f"/mon-espace/{a}/membres/{HUGE_PK}/retirer/"),
        (referent, "post", f"/mon-espace/{a}/invitations/{HUGE_PK}/annuler/"),
        (referent, "get", f"/mon-espace/{a}/chiffres/{HUGE_PK}/"),
        (referent, "get", f"/reservations/{HUGE_PK}/"),
        (referent, "post", f"/reservations/{HUGE_PK}/annuler/"),
        # Slugs that do not exist
        (referent, "get", "/annuaire/inexistante/"),
        (referent, "get", "/mon-espace/inexistante/"),
        (referent, "post", "/mon-espace/inexistante/inviter/"),
        (referent, "get", "/reservations/salles/inexistante/"),
        (referent, "post", "/reservations/salles/inexistante/reserver/"),
        (gestion, "get", "/habitants/fiche/inexistante/modifier/"),
        (gestion, "post", "/habitants/fiche/inexistante/archiver/"),
        (gestion, "get", "/espaces/fiche/inexistant/regles/"),
        (gestion, "get", f"/calendriers/{world['jeton_valide']}/salles/inexistante.ics"),
        (gestion, "get", f"/calendriers/{world['jeton_valide']}/structures/inexistante.ics"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url


def test_les_pages_en_lecture_ignorent_un_post(world):
    client = client_as(world["personas"]["gestion"])
    for url in [
        "/",
        "/annuaire/",
        "/habitants/",
        "/espaces/",
        "/espaces/conventions/",
        "/reservations/",
        "/reservations/jour/",
        "/reservations/salles/salle-a/",
        f"/calendriers/{world['jeton_valide']}/moi.ics",
    ]:
        assert client.post(url, {"x": "\x00"}).status_code in (200, 405), url


def test_champ_en_double_la_derniere_valeur_compte_et_reste_controlee(
    world, structure_a, structure_b
):
    """structure=B&structure=A : Django garde A, qui n'est pas à B ; l'inverse réserve pour B."""
    client = client_as(world["personas"]["habitant_b"])
    url = "/reservations/salles/salle-a/reserver/"
    data = reservation_data(structure_b)
    avant = etat()
    response = client.post(url, {**data, "structure": [structure_b.pk, structure_a.pk]})
    assert response.status_code == 200
    assert "structure" in response.context["form"].errors
    assert etat() == avant
    response = client.post(url, {**data, "structure": [structure_a.pk, structure_b.pk]})
    assert response.status_code == 302
    assert Reservation.objects.get(titre="Comité").structure == structure_b


# --- Numbers the code does arithmetic with ----------------------------------------------


@pytest.mark.parametrize("champ", list(MAXIMA_REGLES))
def test_regles_de_reservation_bornees(champ, gestion, structure_a):
    """Un délai de 2**31 jours passait la colonne, puis chaque réservation tombait en
    OverflowError (timedelta) : la règle est refusée à la saisie."""
    construire_lieu(structure_a)
    client = client_as(gestion)
    avant = etat()
    for url in ("/espaces/fiche/salle-a/regles/", "/reservations/velos/regles/"):
        for valeur in (MAXIMA_REGLES[champ] + 1, 2**31 - 1):
            data = {**REGLES, champ: str(valeur)}
            if champ == "duree_min_minutes":
                data["duree_max_minutes"] = "1440"
            response = client.post(url, data)
            assert response.status_code == 200
            assert champ in response.context["form"].errors
    assert etat() == avant


def test_reserver_avec_les_regles_au_maximum(gestion, referent_a, structure_a):
    construire_lieu(structure_a)
    maxima = {k: str(v) for k, v in MAXIMA_REGLES.items() if k != "duree_min_minutes"}
    response = client_as(gestion).post("/espaces/fiche/salle-a/regles/", {**REGLES, **maxima})
    assert response.status_code == 302
    client = client_as(referent_a)
    response = client.post("/reservations/salles/salle-a/reserver/", reservation_data(structure_a))
    assert response.status_code == 302
    r = Reservation.objects.get(titre="Comité")
    assert r.fin_bloquee - r.fin == datetime.timedelta(days=1)
    assert client.get("/reservations/salles/salle-a/?semaine=2026-03-09").status_code == 200
    assert client.get(f"/reservations/jour/?date={JOUR}").status_code == 200
    # The year-long notice keeps members from cancelling; it does not crash.
    assert client.post(f"/reservations/{r.pk}/annuler/").status_code == 302
    assert Reservation.objects.get(pk=r.pk).statut == Reservation.Statut.CONFIRMEE


def test_poste_de_cotravail_hors_de_portee(gestion, structure_a):
    lieu = construire_lieu(structure_a)
    avant = etat()
    for poste in ("1000000000", str(2**31), "501"):
        response = client_as(gestion).post(
            "/espaces/conventions/nouvelle/",
            {
                "structure": structure_a.pk,
                "espace": lieu.cotravail.pk,
                "poste": poste,
                "debut": JOUR,
                "montant_mensuel_ht": "100",
            },
        )
        assert response.status_code == 200
        assert "poste" in response.context["form"].errors
    assert etat() == avant


def test_chiffres_d_une_annee_que_la_table_refuse(structure_a, referent_a, gestion):
    """Arrivée en 1985 : 1985 était proposée, et la contrainte « 1990 à 2100 » faisait un 500."""
    structure_a.arrivee = datetime.date(1985, 1, 1)
    structure_a.save()
    assert annees_declarables(structure_a) == range(2026, 1989, -1)
    avant = etat()
    for client, url in [
        (client_as(referent_a), "/mon-espace/halage/chiffres/1985/"),
        (client_as(gestion), "/habitants/fiche/halage/chiffres/1985/"),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, CHIFFRES).status_code == 404
    assert etat() == avant
    response = client_as(referent_a).post("/mon-espace/halage/chiffres/1990/", CHIFFRES)
    assert response.status_code == 302
    assert ChiffresAnnuels.objects.get().annee == 1990
    # Gone before 1990: nothing to declare, and the pages still work.
    structure_a.depart = datetime.date(1989, 12, 31)
    structure_a.save()
    assert annees_declarables(structure_a) == range(0)
    assert client_as(referent_a).get("/mon-espace/halage/").status_code == 200
    assert client_as(gestion).get("/habitants/fiche/halage/").status_code == 200


def test_dates_extremes_partout(gestion, referent_a, comptable, structure_a):
    """0001-01-01 et 9999-12-31 sont des dates valides : enregistrées, puis relues partout."""
    lieu = construire_lieu(structure_a)
    client = client_as(gestion)
    response = client.post(
        "/habitants/fiche/halage/modifier/",
        {
            "nom": "Halage",
            "forme_juridique": "association",
            "arrivee": "0001-01-01",
            "depart": "9999-12-31",
        },
    )
    assert response.status_code == 302
    forfait = {"structure": structure_a.pk, "heures_par_mois": "3"}
    conso = {"structure": structure_a.pk, "service": "impression", "quantite": "3"}
    steps = [
        (
            "/espaces/conventions/nouvelle/",
            {
                "structure": structure_a.pk,
                "espace": lieu.bureau_102.pk,
                "debut": "0001-01-01",
                "fin": "9999-12-31",
                "montant_mensuel_ht": "1",
            },
        ),
        (
            "/espaces/tarifs/",
            {"code": "velo_heure", "montant_ht": "1", "debut": "0001-01-01", "fin": "9999-12-31"},
        ),
        ("/espaces/forfaits/", {**forfait, "debut": "9999-12-01"}),
        ("/espaces/forfaits/", {**forfait, "debut": "0001-01-01"}),
        ("/espaces/consommations/", {**conso, "date": "0001-01-01"}),
        (f"/espaces/conventions/{lieu.convention_a.pk}/terminer/", {"fin": "9999-12-31"}),
    ]
    for url, data in steps:
        assert client.post(url, {"taux_tva": "20", **data}).status_code in (200, 302), url
    for user, urls in [
        (
            gestion,
            [
                "/",
                "/habitants/",
                "/habitants/?presence=parties",
                "/habitants/fiche/halage/",
                "/habitants/chiffres/",
                "/habitants/chiffres/?annee=1",
                "/espaces/",
                "/espaces/?date=2999-12-31",
                "/espaces/conventions/",
                "/espaces/tarifs/",
                "/espaces/forfaits/",
                "/espaces/consommations/",
                "/espaces/fiche/bureau-102/",
                "/reservations/jour/",
            ],
        ),
        (comptable, ["/", "/habitants/fiche/halage/", "/espaces/", "/espaces/consommations/"]),
        (
            referent_a,
            [
                "/",
                "/annuaire/",
                "/annuaire/halage/",
                "/mon-espace/halage/",
                "/mon-espace/halage/chiffres/1990/",
                "/reservations/",
                "/reservations/velos/",
            ],
        ),
    ]:
        c = client_as(user)
        for url in urls:
            assert c.get(url).status_code == 200, url
    assert client_as(referent_a).get("/mon-espace/halage/chiffres/1500/").status_code == 404


# --- Strings longer than their column ------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url", "data", "champ"),
    [
        ("gestion", "/reservations/salles/salle-a/externe/", externe_data(), "email"),
        ("anonyme", "/salles/demande/", externe_data(), "email"),
        ("gestion", "/habitants/fiche/halage/inviter/", {"role": "membre"}, "email"),
        ("referent_a", "/mon-espace/halage/inviter/", {"role": "membre"}, "email"),
        ("referent_a", "/mon-espace/halage/profil/", {}, "email_contact"),
        ("gestion", "/habitants/fiche/halage/modifier/", {"nom": "Halage"}, "email_facturation"),
        ("referent_a", "/comptes/email/", {"action_add": ""}, "email"),
    ],
)
def test_une_adresse_trop_longue_pour_la_colonne(persona, url, data, champ, world):
    """Les champs e-mail de Django acceptent 320 caractères, la colonne 254 : PostgreSQL
    répondait par une erreur (DataError) au lieu d'un message."""
    if url == "/salles/demande/":
        data = {**data, "salle": Ressource.objects.get(slug="salle-a").pk, **preuve_de_travail()}
    client = client_as(world["personas"][persona])
    avant = etat()
    response = client.post(url, {"forme_juridique": "association", **data, champ: LONG_EMAIL})
    assert response.status_code == 200
    assert champ in response.context["form"].errors
    assert etat() == avant
    assert not mail.outbox


MEGA = "x" * 1_048_576
TEXTES_DE_DEMANDE = [
    "titre",
    "organisation",
    "contact",
    "email",
    "telephone",
    "adresse_facturation",
    "site_web",
]


@pytest.mark.parametrize(
    ("persona", "url", "champ"),
    [("anonyme", "/salles/demande/", champ) for champ in TEXTES_DE_DEMANDE]
    + [
        ("gestion", "/reservations/salles/salle-a/externe/", champ)
        for champ in TEXTES_DE_DEMANDE[:-1]
    ]
    + [
        ("referent_a", "/reservations/salles/salle-a/reserver/", "titre"),
        ("referent_a", "/reservations/velos/", "titre"),
    ],
)
def test_un_mega_octet_dans_un_champ_texte(persona, url, champ, world, structure_a):
    """L'adresse de facturation d'une demande publique acceptait 4,9 Mo : chaque champ texte
    a sa longueur, le formulaire le dit en français et rien n'est écrit."""
    data = {**externe_data(), "salle": Ressource.objects.get(slug="salle-a").pk}
    if url == "/salles/demande/":
        data.update(preuve_de_travail())
    if "reserver" in url or "velos" in url:
        data = reservation_data(structure_a)
    client = client_as(world["personas"][persona])
    avant = etat()
    response = client.post(url, {**data, champ: MEGA})
    assert response.status_code == 200
    erreurs = response.context["form"].errors[champ]
    assert any("caractères" in e and "au plus" in e for e in erreurs), erreurs
    assert etat() == avant
    assert not mail.outbox


def test_nom_avec_retour_a_la_ligne_dans_l_objet_d_un_e_mail(gestion, structure_a):
    """Un en-tête d'e-mail tient sur une ligne : « Halage\\r\\nBcc: … » faisait échouer
    l'invitation (500) et, côté réservations, l'e-mail partait… nulle part."""
    lieu = construire_lieu(structure_a)
    Structure.objects.filter(pk=structure_a.pk).update(nom="Halage\r\nBcc: pirate@example.org")
    response = client_as(gestion).post(
        "/habitants/fiche/halage/inviter/", {"email": "nina@halage.test", "role": "membre"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[PHARES] Invitation à rejoindre Halage Bcc: pirate@example.org"
    assert message.bcc == []

    mail.outbox.clear()
    data = {
        **externe_data(organisation="Org\r\nBcc: pirate@example.org"),
        "salle": lieu.salle_a.pk,
        **preuve_de_travail(),
    }
    response = client_as(None).post("/salles/demande/", data)
    assert response.status_code == 200
    assert Reservation.objects.get(titre="Assemblée générale").statut == "en_attente"
    # The organisation's receipt and the team's alert both left.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == []
        message.message()  # the headers really serialise


# --- Uploads -------------------------------------------------------------------------------


def png(largeur=4, hauteur=4, *, annonce=None, bourrage=0) -> bytes:
    """Un vrai PNG ; `annonce` réécrit les dimensions de l'en-tête (une bombe de
    décompression tient en quelques octets) ; `bourrage` ajoute des octets après IEND."""
    buf = io.BytesIO()
    Image.new("RGB", (largeur, hauteur), "white").save(buf, "PNG")
    data = bytearray(buf.getvalue())
    if annonce:
        ihdr = bytearray(data[12:29])  # "IHDR" + 13 bytes of data
        ihdr[4:12] = struct.pack(">II", *annonce)
        data[12:29] = ihdr
        data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data) + b"\0" * bourrage


PROFIL = {"description": "Solidarité.", "site_web": "", "email_contact": "", "telephone": ""}


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [
        ("logo.png", b"ceci n'est pas une image"),
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("logo.html", png()),  # an image under a name the browser would render as a page
        ("bombe.png", png(annonce=(20_000, 20_000))),  # Pillow: DecompressionBombError
        ("grand.png", png(annonce=(10_000, 10_000))),  # Pillow only warns: our pixel limit
        ("lourd.png", png(bourrage=6 * 1024 * 1024)),  # past 5 MB (and a temporary file)
    ],
    ids=["pas-une-image", "svg", "extension-html", "bombe", "trop-de-pixels", "trop-lourd"],
)
def test_logo_piege_refuse(nom, contenu, referent_a, gestion):
    avant = etat()
    with warnings.catch_warnings():
        # In production a DecompressionBombWarning is only a warning: behave the same.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        for client, url, data in [
            (client_as(referent_a), "/mon-espace/halage/profil/", PROFIL),
            (
                client_as(gestion),
                "/habitants/fiche/halage/modifier/",
                {"nom": "Halage", "forme_juridique": "association"},
            ),
        ]:
            fichier = SimpleUploadedFile(nom, contenu, "image/png")
            response = client.post(url, {**data, "logo": fichier})
            assert response.status_code == 200
            assert "logo" in response.context["form"].errors
    assert etat() == avant


def test_logo_nom_de_fichier_qui_remonte_l_arborescence(referent_a, settings):
    # Built by hand: the test client would strip the directories before sending. Larger
    # than FILE_UPLOAD_MAX_MEMORY_SIZE, it goes through a temporary file, still accepted.
    limite = "limite-de-partie"
    corps = b"".join(
        f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in PROFIL.items()
    )
    corps += (
        f'--{limite}\r\nContent-Disposition: form-data; name="logo"; '
        'filename="../../../../etc/evil.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    corps += png(bourrage=3 * 1024 * 1024) + f"\r\n--{limite}--\r\n".encode()
    response = client_as(referent_a).post(
        "/mon-espace/halage/profil/",
        corps,
        content_type=f"multipart/form-data; boundary={limite}",
    )
    assert response.status_code == 302
    logo = Structure.objects.get(slug="halage").logo
    assert logo.name.startswith("logos/") and ".." not in logo.name
    chemin = (settings.MEDIA_ROOT / logo.name).resolve()
    assert chemin.is_relative_to(settings.MEDIA_ROOT.resolve()) and chemin.exists()


def test_photo_d_espace_trop_grande(gestion, structure_a):
    construire_lieu(structure_a)
    avant = etat()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        response = client_as(gestion).post(
            "/espaces/nouveau/",
            {
                "nom": "Salle B",
                "type": "salle_reunion",
                "etage": Etage.objects.get(niveau=0).pk,
                "photo": SimpleUploadedFile("p.png", png(annonce=(10_000, 10_000))),
            },
        )
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert etat() == avant


# --- The building's levels -----------------------------------------------------------------


def _batiment_data(etages) -> dict:
    data = {
        "nom": "Les PHARES",
        "adresse": "",
        "surface_m2": "3500",
        "etages-TOTAL_FORMS": str(len(etages)),
        "etages-INITIAL_FORMS": str(sum(1 for e in etages if e[0])),
    }
    for i, (pk, niveau, nom) in enumerate(etages):
        data.update({f"etages-{i}-id": pk or "", f"etages-{i}-niveau": niveau})
        data[f"etages-{i}-nom"] = nom
    return data


def test_niveau_ajoute_entre_temps_dans_un_autre_onglet(gestion, structure_a):
    """Le formset ne vérifie pas (bâtiment, niveau) contre la table : IntegrityError → 500."""
    lieu = construire_lieu(structure_a)
    client = client_as(gestion)
    avant = etat()
    response = client.post(
        "/espaces/batiment/",
        _batiment_data(
            [
                (lieu.rdc.pk, 0, "Rez-de-chaussée"),
                (None, 1, "Premier (déjà là)"),  # stale tab: level 1 exists already
            ]
        ),
    )
    assert response.status_code == 200
    assert contient(response, "Un autre niveau porte déjà ce numéro (ajouté entre-temps ?)")
    assert etat() == avant


def test_echanger_deux_niveaux(gestion, structure_a):
    lieu = construire_lieu(structure_a)
    avant = etat()
    response = client_as(gestion).post(
        "/espaces/batiment/",
        _batiment_data([(lieu.rdc.pk, 1, "Rez-de-chaussée"), (lieu.etage_1.pk, 0, "Premier")]),
    )
    assert response.status_code == 200
    assert contient(response, "passez d'abord par un numéro libre")
    assert etat() == avant


# --- Another structure's data: always 404, never a change ------------------------------------


def test_une_autre_structure_ne_voit_ni_ne_touche_rien(world, structure_a, structure_b):
    b = world["personas"]["habitant_b"]
    referent_a = world["personas"]["referent_a"]
    salle = Ressource.objects.get(slug="salle-a")
    secret = inserer(
        salle,
        paris(2026, 3, 12, 9),
        paris(2026, 3, 12, 10),
        structure=structure_a,
        titre="Secret de Halage",
        par=referent_a,
    )
    Consommation.objects.create(
        structure=structure_a,
        service="impression",
        date=HIER,
        quantite=4242,
        prix_unitaire_ht="0.10",
        taux_tva="20",
        saisi_par=referent_a,
    )
    membre_a = world["membre_a_pk"]
    jeton_b = services.nouveau_jeton(par=acteur(b))
    client = client_as(b)
    avant = etat()
    for method, url in [
        ("get", f"/reservations/{secret.pk}/"),
        ("post", f"/reservations/{secret.pk}/annuler/"),
        ("get", "/mon-espace/halage/"),
        ("get", "/mon-espace/halage/profil/"),
        ("post", "/mon-espace/halage/profil/"),
        ("get", "/mon-espace/halage/chiffres/2025/"),
        ("post", "/mon-espace/halage/chiffres/2025/"),
        ("post", f"/mon-espace/halage/membres/{membre_a}/retirer/"),
        # B's own space, A's ids: still not found.
        ("post", f"/mon-espace/mode-estime/membres/{membre_a}/retirer/"),
        ("post", f"/mon-espace/mode-estime/invitations/{world['invitation_a_pk']}/annuler/"),
        ("get", f"/calendriers/{jeton_b}/structures/halage.ics"),
    ]:
        data = CHIFFRES if "chiffres" in url else {}
        assert getattr(client, method)(url, data).status_code == 404, url
    assert etat() == avant

    # Lists, plannings and feeds show A's slot as taken, nothing more.
    pages = [
        "/reservations/",
        f"/reservations/?structure={structure_a.pk}",
        "/reservations/jour/?date=2026-03-12",
        "/reservations/salles/salle-a/?semaine=2026-03-09",
        f"/espaces/consommations/?structure={structure_a.pk}",
        "/annuaire/halage/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "Secret de Halage" not in page and "4242" not in page, url
    flux = ics_text(client_as(None), f"/calendriers/{jeton_b}/salles/salle-a.ics")
    assert "Secret de Halage" not in flux and "Occupé — Salle A" in flux

    # Writing for A through B's forms: refused as an invalid choice.
    for url, data in [
        ("/reservations/salles/salle-a/reserver/", reservation_data(structure_a)),
        ("/reservations/velos/", reservation_data(structure_a)),
        (
            "/espaces/consommations/",
            {"structure": structure_a.pk, "service": "impression", "quantite": 1, "date": HIER},
        ),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert "structure" in response.context["form"].errors
    assert etat() == avant


# --- Roles at the edge of their period ---------------------------------------------------------


@pytest.fixture
def lieu_a(structure_a, referent_a, membre_a):
    lieu = construire_lieu(structure_a)
    lieu.secret = inserer(
        lieu.salle_a,
        paris(2026, 3, 12, 9),
        paris(2026, 3, 12, 10),
        structure=structure_a,
        titre="Secret de Halage",
        par=membre_a,
    )
    return lieu


def test_appartenance_terminee_hier(lieu_a, membre_a):
    jeton = services.nouveau_jeton(par=acteur(membre_a))
    client = client_as(membre_a)
    Membre.objects.filter(user=membre_a).update(fin=HIER)
    avant = etat()
    r = lieu_a.secret
    assert client.get("/mon-espace/halage/").status_code == 404
    assert client.get("/mon-espace/").status_code == 200
    assert client.get("/reservations/salles/salle-a/reserver/").status_code == 403
    assert client.post("/reservations/velos/").status_code == 403
    assert client.get("/espaces/consommations/").status_code == 403
    assert client.get(f"/reservations/{r.pk}/").status_code == 404
    assert client.post(f"/reservations/{r.pk}/annuler/").status_code == 404
    assert "Secret de Halage" not in client.get("/reservations/").content.decode()
    assert "Secret de Halage" not in client.get("/reservations/jour/?date=2026-03-12").text
    anonyme = client_as(None)
    assert anonyme.get(f"/calendriers/{jeton}/structures/halage.ics").status_code == 404
    # Their own feed outlived the membership: it no longer carries the structure's bookings.
    assert "Secret de Halage" not in ics_text(anonyme, f"/calendriers/{jeton}/moi.ics")
    assert "Secret de Halage" not in ics_text(anonyme, f"/calendriers/{jeton}/salles/salle-a.ics")
    assert etat() == avant


def test_membre_d_une_structure_archivee(lieu_a, referent_a, membre_a, structure_a):
    jeton = services.nouveau_jeton(par=acteur(membre_a))
    Structure.objects.filter(pk=structure_a.pk).update(archivee=True, archivee_le=NOW)
    avant = etat()
    r = lieu_a.secret
    for user in (referent_a, membre_a):
        client = client_as(user)
        assert client.get("/mon-espace/halage/").status_code == 404
        assert client.get(f"/reservations/{r.pk}/").status_code == 404
        assert client.post(f"/reservations/{r.pk}/annuler/").status_code == 404
        assert client.get("/reservations/salles/salle-a/reserver/").status_code == 403
        assert "Secret de Halage" not in client.get("/reservations/").text
    anonyme = client_as(None)
    assert anonyme.get(f"/calendriers/{jeton}/structures/halage.ics").status_code == 404
    assert "Secret de Halage" not in ics_text(anonyme, f"/calendriers/{jeton}/moi.ics")
    assert "Secret de Halage" not in ics_text(anonyme, f"/calendriers/{jeton}/salles/salle-a.ics")
    assert etat() == avant


def test_structure_partie_ne_reserve_plus(lieu_a, referent_a, structure_a, gestion):
    """Départ hier : plus de réservation, ni par les pages ni par le service ; ses membres
    gardent l'accès à ses réservations restantes (pour les annuler)."""
    Structure.objects.filter(pk=structure_a.pk).update(depart=HIER)
    structure_a.refresh_from_db()
    client = client_as(referent_a)
    avant = etat()
    assert client.get("/reservations/salles/salle-a/reserver/").status_code == 403
    assert client.get("/reservations/velos/").status_code == 403
    response = client_as(gestion).post(
        "/reservations/salles/salle-a/reserver/", reservation_data(structure_a)
    )
    assert "structure" in response.context["form"].errors
    with pytest.raises(services.EspacesError, match="n'est pas hébergée"):
        services.reserver(
            ressource=lieu_a.salle_a,
            debut=paris(2026, 3, 10, 9),
            fin=paris(2026, 3, 10, 10),
            titre="Après le départ",
            par=acteur(gestion),
            structure=structure_a,
        )
    assert etat() == avant
    assert client.get(f"/reservations/{lieu_a.secret.pk}/").status_code == 200
    assert client.post(f"/reservations/{lieu_a.secret.pk}/annuler/").status_code == 302


def test_structure_qui_part_bientot_ne_reserve_pas_apres_son_depart(
    lieu_a, referent_a, structure_a
):
    Structure.objects.filter(pk=structure_a.pk).update(depart=datetime.date(2026, 3, 10))
    client = client_as(referent_a)
    url = "/reservations/salles/salle-a/reserver/"
    assert client.post(url, reservation_data(structure_a)).status_code == 302
    response = client.post(url, reservation_data(structure_a, date="2026-03-11"))
    assert response.status_code == 200
    assert (
        "n'est pas hébergée au PHARES le mer. 11 mars 2026"
        in response.context["form"].errors["__all__"][0]
    )
    # A weekly series stops at the departure: nothing booked after it.
    response = client.post(
        url,
        reservation_data(
            structure_a, date="2026-03-03", frequence="hebdomadaire", nombre="3", confirmer="1"
        ),
    )
    assert response.status_code == 302
    jours = {temps.paris(r.debut).date() for r in Reservation.objects.filter(titre="Comité")}
    assert jours == {datetime.date(2026, 3, 3), datetime.date(2026, 3, 10)}


def test_compte_desactive_avec_une_session_ouverte(lieu_a, membre_a):
    jeton = services.nouveau_jeton(par=acteur(membre_a))
    client = client_as(membre_a)
    membre_a.is_active = False
    membre_a.save()
    avant = etat()
    for url in ("/mon-espace/halage/", "/reservations/", f"/reservations/{lieu_a.secret.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    response = client.post(f"/reservations/{lieu_a.secret.pk}/annuler/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert client_as(None).get(f"/calendriers/{jeton}/moi.ics").status_code == 404
    assert etat() == avant


def test_la_comptabilite_n_ecrit_rien(world, structure_a):
    """Toutes les écritures, par le support comptable : 403 (404 pour « Mon espace »),
    et rien ne bouge. Elle lit les consommations, elle n'en enregistre pas."""
    w = world
    client = client_as(w["personas"]["comptable"])
    avant = etat()
    ecritures = [
        ("/habitants/nouvelle/", {"nom": "Pirate", "forme_juridique": "association"}),
        ("/habitants/fiche/halage/modifier/", {"nom": "Pirate", "forme_juridique": "association"}),
        ("/habitants/fiche/halage/archiver/", {}),
        ("/habitants/fiche/ancienne/restaurer/", {}),
        ("/habitants/fiche/halage/inviter/", {"email": "pirate@example.org", "role": "referent"}),
        (f"/habitants/fiche/halage/membres/{w['membre_a_pk']}/retirer/", {}),
        (f"/habitants/fiche/halage/invitations/{w['invitation_a_pk']}/annuler/", {}),
        (f"/habitants/fiche/halage/chiffres/{w['annee']}/", CHIFFRES),
        ("/habitants/domaines/", {"nom": "Pirate", "ordre": "1"}),
        (f"/habitants/domaines/{w['domaine_pk']}/", {"nom": "Pirate", "ordre": "1"}),
        ("/espaces/batiment/", _batiment_data([])),
        ("/espaces/nouveau/", {"nom": "Pirate", "type": "salle_reunion"}),
        ("/espaces/fiche/salle-a/modifier/", {"nom": "Pirate", "type": "salle_reunion"}),
        ("/espaces/fiche/salle-a/regles/", REGLES),
        ("/reservations/velos/regles/", REGLES),
        ("/espaces/conventions/nouvelle/", {"structure": structure_a.pk, "debut": JOUR}),
        (f"/espaces/conventions/{w['convention_pk']}/terminer/", {"fin": "2026-03-02"}),
        ("/espaces/tarifs/", {"code": "velo_heure", "montant_ht": "9", "debut": JOUR}),
        ("/espaces/forfaits/", {"structure": structure_a.pk, "heures_par_mois": 1, "debut": JOUR}),
        (
            "/espaces/consommations/",
            {"structure": structure_a.pk, "service": "impression", "quantite": 3, "date": HIER},
        ),
        (f"/espaces/tarifs/{w['tarif_pk']}/terminer/", {"fin": JOUR}),
        (
            f"/espaces/tarifs/{w['tarif_pk']}/remplacer/",
            {"a_partir_du": JOUR, "montant_ht": "9", "taux_tva": "20"},
        ),
        ("/reservations/salles/salle-a/reserver/", reservation_data(structure_a)),
        ("/reservations/salles/salle-a/externe/", externe_data()),
        ("/reservations/velos/", reservation_data(structure_a)),
        (f"/reservations/{w['reservation_a_pk']}/annuler/", {"portee": "serie"}),
        (f"/reservations/{w['demande_pk']}/decider/", {"decision": "accepter"}),
    ]
    for url, data in ecritures:
        assert client.post(url, data).status_code == 403, url
    for url, data in [
        ("/mon-espace/halage/profil/", PROFIL),
        ("/mon-espace/halage/inviter/", {"email": "pirate@example.org", "role": "referent"}),
        (f"/mon-espace/halage/chiffres/{w['annee']}/", CHIFFRES),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert etat() == avant
    assert not mail.outbox


# --- Redirections and HTML ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "suivant",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https:evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_pas_de_redirection_vers_un_autre_site(suivant, referent_a):
    client = client_as(None)
    response = client.post(
        reverse("account_login") + "?next=" + suivant,
        {"login": "referent@halage.test", "password": PASSWORD, "next": suivant},
    )
    assert response.status_code == 302
    assert response.url == "/"
    # Already signed in, the login page sends home too.
    response = client.get(reverse("account_login") + "?next=" + suivant)
    assert response.status_code == 302 and response.url == "/"


def test_la_page_d_invitation_renvoie_vers_elle_meme(world, gestion):
    """Compte existant : « Se connecter » revient sur le lien d'invitation, nulle part ailleurs."""
    Invitation.objects.filter(pk=world["invitation_nouvelle_pk"]).update(email=gestion.email)
    page = client_as(None).get(f"/invitation/{INVITE_TOKEN}/?next=https://evil.example/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/comptes/login/?next=/invitation/{INVITE_TOKEN}/"' in html
    assert "evil.example" not in html


SCRIPT = "<script>alert('x')</script>"


def test_html_injecte_reste_du_texte(lieu_a, referent_a, gestion, structure_a, membre_a):
    Structure.objects.filter(pk=structure_a.pk).update(
        description=SCRIPT + "\n<img src=x onerror=alert(1)>"
    )
    Reservation.objects.filter(pk=lieu_a.secret.pk).update(titre=SCRIPT)
    jeton = services.nouveau_jeton(par=acteur(membre_a))
    pages = {
        None: ["/"],
        referent_a: [
            "/annuaire/",
            "/annuaire/halage/",
            "/mon-espace/halage/",
            "/reservations/",
            f"/reservations/{lieu_a.secret.pk}/",
            "/reservations/jour/?date=2026-03-12",
            "/reservations/salles/salle-a/?semaine=2026-03-09",
        ],
        gestion: ["/habitants/fiche/halage/", "/reservations/?quand=a_venir"],
    }
    for user, urls in pages.items():
        client = client_as(user)
        for url in urls:
            html = client.get(url).content.decode()
            assert "<script>alert" not in html and "<img src=x" not in html, url
            assert "&lt;script&gt;" in html, url
    response = client_as(None).get(f"/calendriers/{jeton}/moi.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert response["X-Content-Type-Options"] == "nosniff"
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == f"{SCRIPT} — Salle A"


def test_un_titre_ne_peut_pas_ajouter_de_ligne_au_calendrier(lieu_a, membre_a):
    Reservation.objects.filter(pk=lieu_a.secret.pk).update(
        titre="Réunion\r\nATTENDEE:mailto:pirate@example.org\r\nEND:VEVENT"
    )
    jeton = services.nouveau_jeton(par=acteur(membre_a))
    content = client_as(None).get(f"/calendriers/{jeton}/moi.ics").content
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert "ATTENDEE" not in event
    assert b"\r\nATTENDEE" not in content and b"\r\nEND:VEVENT\r\nEND:VEVENT" not in content
