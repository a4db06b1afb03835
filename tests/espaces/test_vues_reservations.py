"""Réserver par les pages : formulaire, erreurs en français, plannings de la semaine et
du jour, séries avec conflits, annulations, réservations extérieures, demandes publiques,
vélos, consommations, forfaits. Chaque test passe par l'URL puis relit la base."""

import datetime
from decimal import Decimal

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from espaces import services
from espaces.models import (
    ClientExterne,
    Consommation,
    ForfaitSalles,
    Reservation,
    SerieReservations,
    Tarif,
)
from habitants.models import Structure
from tests.conftest import acteur, client_as, preuve_de_travail
from tests.espaces.views_fixtures import (
    JOUR,
    NOW,
    champs_caches,
    construire_lieu,
    contient,
    creneau_data,
    inserer,
    paris,
)

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut
UTC = datetime.UTC
RESERVER_A = reverse("espaces:reserver", args=["salle-a"])


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def reservation_data(structure, **extra) -> dict:
    data = creneau_data(titre="Comité de pilotage", nb_personnes="4", structure=structure.pk)
    data.update(extra)
    return data


def evenements(message) -> list[icalendar.Event]:
    """Les VEVENT de la pièce jointe .ics d'un e-mail (elle doit se lire)."""
    (ics,) = [a for a in message.attachments if a[2].startswith("text/calendar")]
    content = ics[1].encode() if isinstance(ics[1], str) else ics[1]
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def suivre(client, response):
    assert response.status_code == 302
    return client.get(response.url)


# --- Réserver une salle par le formulaire ---------------------------------------------


def test_reserver_une_salle(lieu, structure_a, membre_a, mailoutbox):
    client = client_as(membre_a)
    response = client.post(RESERVER_A, reservation_data(structure_a, heure_fin="10:30"))

    r = Reservation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert (r.ressource, r.structure, r.par, r.statut) == (
        lieu.salle_a,
        structure_a,
        membre_a,
        Statut.CONFIRMEE,
    )
    assert (r.titre, r.nb_personnes) == ("Comité de pilotage", 4)
    # 9 h à Paris en mars = 8 h UTC.
    assert r.debut == datetime.datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert r.fin == datetime.datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    page = client.get(response.url)
    assert contient(page, "Réservation confirmée : Salle A, mar. 10 mars 2026 de 09:00 à 10:30.")

    (mail,) = mailoutbox
    assert mail.to == ["membre@halage.test"]
    assert mail.subject == "[PHARES] Réservation confirmée : Salle A, le mar. 10 mars 2026 à 09:00"
    assert f"/reservations/{r.pk}/" in mail.body
    (event,) = evenements(mail)
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime.datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Comité de pilotage — Salle A"
    assert str(event["uid"]) == f"reservation-{r.pk}@phares"


def test_le_lien_du_planning_preremplit_le_creneau(lieu, membre_a):
    response = client_as(membre_a).get(
        RESERVER_A + "?date=2026-03-10&heure_debut=14:00&heure_fin=15:30"
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["date"] == JOUR
    assert form.initial["heure_debut"] == datetime.time(14, 0)
    assert form.initial["heure_fin"] == datetime.time(15, 30)
    # A single structure is preselected.
    assert 'value="2026-03-10"' in response.text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            {"heure_debut": "10:00", "heure_fin": "09:00"},
            "L'heure de fin doit suivre l'heure de début.",
            id="fin-avant-debut",
        ),
        pytest.param({"date": "2026-02-31"}, "Saisissez une date valide.", id="31-fevrier"),
        pytest.param(
            {"date": "0001-01-01", "heure_debut": "00:05"},
            "Saisissez une date valide.",
            id="an-1",
        ),
        pytest.param({"date": "2026-02-27"}, "Ce créneau est dans le passé.", id="passe"),
        pytest.param(
            {"heure_debut": "19:00", "heure_fin": "21:00"},
            "Salle A est ouverte de 08:00 à 20:00.",
            id="hors-horaires",
        ),
        pytest.param({"date": "2026-03-14"}, "Salle A n'est pas ouverte ce jour-là.", id="samedi"),
        pytest.param(
            {"nb_personnes": "11"}, "Salle A accueille 10 personnes au plus.", id="trop-de-monde"
        ),
        pytest.param(
            {"heure_debut": "25:00"}, "Saisissez une heure valide.", id="heure-impossible"
        ),
        pytest.param({"titre": ""}, "Ce champ est obligatoire.", id="sans-objet"),
    ],
)
def test_saisie_refusee_sans_rien_ecrire(lieu, structure_a, membre_a, mailoutbox, extra, message):
    response = client_as(membre_a).post(RESERVER_A, reservation_data(structure_a, **extra))

    assert response.status_code == 200
    assert contient(response, message), message
    assert not Reservation.objects.exists()
    assert mailoutbox == []


def test_creneau_deja_pris(lieu, structure_a, structure_b, membre_a, mailoutbox):
    inserer(lieu.salle_a, paris(2026, 3, 10, 9), paris(2026, 3, 10, 10), structure=structure_b)

    response = client_as(membre_a).post(
        RESERVER_A, reservation_data(structure_a, heure_debut="09:30", heure_fin="11:00")
    )

    assert response.status_code == 200
    assert contient(
        response,
        "Salle A est déjà réservée de 09:00 à 10:00 le mar. 10 mars 2026 : "
        "choisissez un autre créneau.",
    )
    assert Reservation.objects.filter(structure=structure_a).count() == 0
    assert mailoutbox == []


def test_battement_de_la_salle_de_formation(lieu, structure_a, structure_b, membre_a):
    """15 min de ménage après 9 h–10 h : 10 h 00 est pris, 10 h 15 est libre."""
    inserer(lieu.formation, paris(2026, 3, 10, 9), paris(2026, 3, 10, 10), structure=structure_b)
    url = reverse("espaces:reserver", args=["salle-formation"])
    client = client_as(membre_a)

    refus = client.post(url, reservation_data(structure_a, heure_debut="10:00", heure_fin="11:00"))
    ok = client.post(url, reservation_data(structure_a, heure_debut="10:15", heure_fin="11:00"))

    assert contient(refus, "de 09:00 à 10:15 le mar. 10 mars 2026 (battement compris)")
    assert ok.status_code == 302
    r = Reservation.objects.get(structure=structure_a)
    assert r.fin_bloquee == paris(2026, 3, 10, 11, 15)


def test_un_habitant_ne_reserve_pas_pour_une_autre_structure(
    lieu, structure_a, structure_b, membre_a
):
    response = client_as(membre_a).post(RESERVER_A, reservation_data(structure_b))

    assert response.status_code == 200
    assert contient(response, "Sélectionnez un choix valide.")
    assert not Reservation.objects.exists()


def test_la_gestion_reserve_pour_une_structure(lieu, structure_b, gestion, mailoutbox):
    response = client_as(gestion).post(RESERVER_A, reservation_data(structure_b))

    assert response.status_code == 302
    r = Reservation.objects.get()
    assert (r.structure, r.par) == (structure_b, gestion)
    assert mailoutbox[0].to == ["gestion@phares.test"]


# --- Plannings : semaine d'une salle, jour de toutes les salles -------------------------


@pytest.fixture
def deux_reservations(lieu, structure_a, structure_b):
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_b,
        titre="Conseil d'administration confidentiel",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 14),
        paris(2026, 3, 10, 15),
        structure=structure_a,
        titre="Atelier Halage",
    )


PLANNINGS = [
    pytest.param(
        reverse("espaces:semaine", args=["salle-a"]) + "?semaine=2026-03-10", id="semaine"
    ),
    pytest.param(reverse("espaces:jour") + "?date=2026-03-10", id="jour"),
]


@pytest.mark.parametrize("url", PLANNINGS)
def test_planning_d_un_habitant(deux_reservations, membre_a, url):
    response = client_as(membre_a).get(url)

    assert response.status_code == 200
    assert "Conseil d'administration" not in response.text
    assert "Mode Estime" not in response.text
    assert "09:00–10:00</span>\n    occupé" in response.text
    assert contient(response, "Atelier Halage")
    own = Reservation.objects.get(titre="Atelier Halage")
    assert reverse("espaces:reservation-detail", args=[own.pk]) in response.text
    other = Reservation.objects.get(structure__slug="mode-estime")
    assert reverse("espaces:reservation-detail", args=[other.pk]) not in response.text


@pytest.mark.parametrize("url", PLANNINGS)
@pytest.mark.parametrize("persona", ["gestion", "comptable"])
def test_planning_de_l_equipe(deux_reservations, personas, url, persona):
    response = client_as(personas[persona]).get(url)

    assert response.status_code == 200
    assert escape("Conseil d'administration confidentiel") + "</a> · Mode Estime" in response.text
    assert "Atelier Halage</a> · Halage" in response.text
    assert "occupé" not in response.text


def grille_et_liste(response) -> list[str]:
    """La grille (écran) et la liste (téléphone) d'un planning : la page porte les deux."""
    grille, liste = response.text.split('<div class="planning-liste">')
    return [grille, liste]


@pytest.mark.parametrize("url", PLANNINGS)
def test_planning_d_une_personne_sans_structure(deux_reservations, associe, url):
    response = client_as(associe).get(url)

    assert response.status_code == 200
    assert [vue.count("occupé") for vue in grille_et_liste(response)] == [2, 2]
    assert "Atelier Halage" not in response.text
    # Not allowed to book: no booking link.
    assert RESERVER_A + "?" not in response.text


@pytest.mark.parametrize("url", PLANNINGS)
def test_le_membre_d_une_structure_partie_voit_ses_reservations(
    deux_reservations, structure_a, membre_a, url
):
    """Halage a quitté le lieu le 1er mars, sa réunion du 10 reste (l'équipe l'annulera) :
    ses membres l'ouvrent en détail, donc les plannings la leur montrent aussi (et non
    « occupé ») ; ils ne réservent plus."""
    Structure.objects.filter(pk=structure_a.pk).update(depart=datetime.date(2026, 3, 1))
    client = client_as(membre_a)
    own = Reservation.objects.get(titre="Atelier Halage")

    response = client.get(url)

    detail = reverse("espaces:reservation-detail", args=[own.pk])
    assert client.get(detail).status_code == 200
    assert detail in response.text and contient(response, "Atelier Halage")
    # The other structure's meeting only, in the grid and in the phone's list.
    assert [vue.count("occupé") for vue in grille_et_liste(response)] == [1, 1]
    assert RESERVER_A + "?" not in response.text


def test_planning_propose_des_creneaux_libres_reservables(lieu, membre_a):
    response = client_as(membre_a).get(
        reverse("espaces:semaine", args=["salle-a"]) + "?semaine=2026-03-10"
    )

    assert RESERVER_A + "?date=2026-03-10&amp;heure_debut=08:00&amp;heure_fin=09:00" in (
        response.text
    )
    assert "Semaine du lun. 9 mars 2026" in response.text
    # Saturday and Sunday are closed.
    assert response.text.count("Fermée") == 2


def test_pas_de_lien_reserver_dans_le_passe(time_machine, lieu, membre_a):
    """Mardi 10 mars, 15 h 05 : le matin est passé ; l'après-midi se réserve dès 15 h 15."""
    time_machine.move_to(paris(2026, 3, 10, 15, 5), tick=False)

    response = client_as(membre_a).get(reverse("espaces:jour") + "?date=2026-03-10")

    assert "heure_debut=08:00" not in response.text
    assert RESERVER_A + "?date=2026-03-10&amp;heure_debut=15:15&amp;heure_fin=16:15" in (
        response.text
    )
    yesterday = client_as(membre_a).get(reverse("espaces:jour") + "?date=2026-03-09")
    assert RESERVER_A + "?" not in yesterday.text


def test_une_demande_expiree_ne_bloque_plus_le_planning(lieu, structure_a, membre_a):
    """Une demande extérieure en attente tient le créneau jusqu'à sa date limite, pas après :
    le planning et la réservation disent la même chose."""
    client_externe = ClientExterne.objects.create(
        nom="Fédération", email="f@federation.test", adresse_facturation="Bordeaux"
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        externe=client_externe,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 1, 8),
        titre="AG",
    )
    client = client_as(membre_a)

    planning = client.get(reverse("espaces:jour") + "?date=2026-03-10")
    assert "occupé" not in planning.text
    response = client.post(RESERVER_A, reservation_data(structure_a))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("url", "attendu"),
    [
        ("/reservations/salles/salle-a/?semaine=garbage", "Semaine du lun. 2 mars 2026"),
        ("/reservations/salles/salle-a/?semaine=2026-13-01", "Semaine du lun. 2 mars 2026"),
        ("/reservations/salles/salle-a/?semaine=9999-12-31", "Semaine du lun. 2 mars 2026"),
        ("/reservations/salles/salle-a/?semaine=0001-01-01", "Semaine du lun. 2 mars 2026"),
        ("/reservations/jour/?date=2026-13-01", "Salles le lun. 2 mars 2026"),
        ("/reservations/jour/?date=9999-12-31", "Salles le lun. 2 mars 2026"),
        ("/reservations/jour/?date=0001-01-01", "Salles le lun. 2 mars 2026"),
        ("/reservations/jour/?date=", "Salles le lun. 2 mars 2026"),
        ("/reservations/velos/?date=9999-12-31", "Vélos pris le lun. 2 mars 2026"),
        ("/espaces/?date=9999-12-31", "Occupation le 2 mars 2026"),
        ("/reservations/salles/salle-a/reserver/?date=9999-12-31&heure_debut=99", "Réserver"),
    ],
)
def test_parametres_d_url_invalides(lieu, gestion, url, attendu):
    response = client_as(gestion).get(url)

    assert response.status_code == 200
    assert attendu in response.text


# --- Séries -----------------------------------------------------------------------------


def test_serie_avec_un_conflit_puis_confirmation(
    lieu, structure_a, structure_b, membre_a, mailoutbox
):
    inserer(lieu.salle_a, paris(2026, 3, 17, 9), paris(2026, 3, 17, 10), structure=structure_b)
    client = client_as(membre_a)
    data = reservation_data(structure_a, frequence="hebdomadaire", nombre="3")

    apercu = client.post(RESERVER_A, data)

    assert apercu.status_code == 200
    assert "Certains créneaux de la série ne sont pas libres" in apercu.text
    assert "mar. 17 mars 2026, 09:00–10:00" in apercu.text
    assert contient(apercu, "Salle A est déjà réservée de 09:00 à 10:00 le mar. 17 mars 2026")
    assert "Réserver les 2 créneaux libres" in apercu.text
    assert not Reservation.objects.filter(structure=structure_a).exists()
    assert mailoutbox == []

    # The browser sends back the hidden fields of the confirmation form.
    renvoi = champs_caches(apercu.text)
    assert renvoi["confirmer"] == "1"
    response = client.post(RESERVER_A, renvoi)

    faites = list(Reservation.objects.filter(structure=structure_a).order_by("debut"))
    assert [r.debut for r in faites] == [paris(2026, 3, 10, 9), paris(2026, 3, 24, 9)]
    assert len({r.serie_id for r in faites}) == 1
    serie = SerieReservations.objects.get()
    assert (serie.frequence, serie.occurrences, serie.cree_par) == ("hebdomadaire", 3, membre_a)
    assert response.url == reverse("espaces:reservation-detail", args=[faites[0].pk])
    page = client.get(response.url)
    assert contient(page, "Série réservée : 2 créneaux. 1 créneau(x) non réservé(s).")
    (mail,) = mailoutbox
    assert [e.decoded("dtstart") for e in evenements(mail)] == [
        datetime.datetime(2026, 3, 10, 8, tzinfo=UTC),
        datetime.datetime(2026, 3, 24, 8, tzinfo=UTC),
    ]


def test_serie_sans_conflit_est_reservee_d_un_coup(lieu, structure_a, membre_a):
    response = client_as(membre_a).post(
        RESERVER_A,
        reservation_data(structure_a, frequence="hebdomadaire", jusqu_au="2026-03-31"),
    )

    assert response.status_code == 302
    debuts = list(
        Reservation.objects.filter(structure=structure_a)
        .order_by("debut")
        .values_list("debut", flat=True)
    )
    # 9 h at Paris on both sides of the 29 March change of time.
    assert debuts == [paris(2026, 3, d, 9) for d in (10, 17, 24, 31)]
    assert debuts[-1] == datetime.datetime(2026, 3, 31, 7, tzinfo=UTC)


def test_serie_sans_fin_ni_nombre(lieu, structure_a, membre_a):
    response = client_as(membre_a).post(
        RESERVER_A, reservation_data(structure_a, frequence="hebdomadaire")
    )

    assert response.status_code == 200
    assert contient(
        response, "Pour répéter, indiquez une date de fin ou un nombre de fois (l'un des deux)."
    )
    assert not Reservation.objects.exists()


def test_serie_entierement_prise(lieu, structure_a, structure_b, membre_a):
    for jour in (10, 17):
        inserer(
            lieu.salle_a, paris(2026, 3, jour, 9), paris(2026, 3, jour, 10), structure=structure_b
        )

    response = client_as(membre_a).post(
        RESERVER_A, reservation_data(structure_a, frequence="hebdomadaire", nombre="2")
    )

    assert response.status_code == 200
    assert "Aucun créneau n'est libre : rien n'a été réservé." in response.text
    assert not Reservation.objects.filter(structure=structure_a).exists()
    assert not SerieReservations.objects.exists()


# --- Annuler -----------------------------------------------------------------------------


@pytest.fixture
def serie(lieu, structure_a, membre_a):
    """Quatre mardis, 9 h–10 h, du 10 au 31 mars."""
    creneaux = services.occurrences(
        paris(2026, 3, 10, 9), paris(2026, 3, 10, 10), frequence="hebdomadaire", nombre=4
    )
    _, faites, _ = services.reserver_serie(
        ressource=lieu.salle_a,
        creneaux=creneaux,
        frequence="hebdomadaire",
        intervalle=1,
        jusqu_au=None,
        nombre=4,
        titre="Permanence",
        par=acteur(membre_a),
        structure=structure_a,
    )
    return faites


def statuts(reservations) -> list[str]:
    return [Reservation.objects.get(pk=r.pk).statut for r in reservations]


@pytest.mark.parametrize(
    ("portee", "indice", "attendu", "message"),
    [
        ("une", 1, ["confirmee", "annulee", "confirmee", "confirmee"], "Réservation annulée."),
        (
            "suivantes",
            1,
            ["confirmee", "annulee", "annulee", "annulee"],
            "3 réservations annulées.",
        ),
        ("serie", 2, ["annulee"] * 4, "4 réservations annulées."),
    ],
)
def test_annuler_une_serie_par_la_page(
    serie, referent_a, mailoutbox, portee, indice, attendu, message
):
    """Un collègue de la même structure annule (référent, pas l'auteur)."""
    client = client_as(referent_a)
    r = serie[indice]
    detail = client.get(reverse("espaces:reservation-detail", args=[r.pk]))
    assert "Toute la série" in detail.text
    mailoutbox.clear()  # the series' confirmation

    response = client.post(reverse("espaces:reservation-annuler", args=[r.pk]), {"portee": portee})

    assert response.url == reverse("espaces:reservation-liste")
    assert statuts(serie) == attendu
    assert Reservation.objects.get(pk=r.pk).annulee_par == referent_a
    assert contient(client.get(response.url), message)
    # The cancellation e-mail carries every cancelled occurrence, so calendars drop them all.
    (mail,) = mailoutbox
    assert mail.subject.startswith("[PHARES] Réservation annulée")
    annulees = [e for e in evenements(mail) if str(e["status"]) == "CANCELLED"]
    assert len(annulees) == attendu.count("annulee")


def test_annuler_la_serie_dans_le_preavis_garde_et_signale_l_occurrence(
    serie, membre_a, time_machine
):
    """La veille de la première occurrence : les trois autres sont annulées, la première
    reste réservée et la page dit laquelle et pourquoi."""
    time_machine.move_to(paris(2026, 3, 9, 12), tick=False)
    client = client_as(membre_a)

    response = client.post(
        reverse("espaces:reservation-annuler", args=[serie[0].pk]), {"portee": "serie"}
    )

    assert statuts(serie) == ["confirmee", "annulee", "annulee", "annulee"]
    page = client.get(response.url)
    assert contient(page, "3 réservations annulées.")
    assert contient(
        page, "Le mar. 10 mars 2026 à 09:00 reste réservé : il est dans le délai de préavis"
    )


def test_un_habitant_n_annule_pas_dans_le_preavis(lieu, structure_a, membre_a, gestion):
    """Préavis de 24 h : à 8 h, 14 h le jour même est trop tard pour l'habitant."""
    r = inserer(lieu.salle_a, paris(2026, 3, 2, 14), paris(2026, 3, 2, 15), structure=structure_a)
    url = reverse("espaces:reservation-annuler", args=[r.pk])
    client = client_as(membre_a)

    response = client.post(url)

    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert contient(
        client.get(response.url),
        "Annulation possible jusqu'à 24 h avant le début : contactez l'équipe du PHARES.",
    )
    assert Reservation.objects.get(pk=r.pk).statut == Statut.CONFIRMEE

    client_as(gestion).post(url)
    r.refresh_from_db()
    assert (r.statut, r.annulee_par) == (Statut.ANNULEE, gestion)


def test_une_reservation_passee_ne_s_annule_plus(lieu, structure_a, gestion):
    r = inserer(lieu.salle_a, paris(2026, 2, 27, 9), paris(2026, 2, 27, 10), structure=structure_a)
    client = client_as(gestion)

    detail = client.get(reverse("espaces:reservation-detail", args=[r.pk]))
    assert "Annuler la réservation" not in detail.text
    response = client.post(reverse("espaces:reservation-annuler", args=[r.pk]))

    assert contient(client.get(response.url), "Cette réservation est passée")
    assert Reservation.objects.get(pk=r.pk).statut == Statut.CONFIRMEE


def test_la_comptabilite_ne_voit_pas_de_bouton_annuler(lieu, structure_a, comptable):
    r = inserer(lieu.salle_a, paris(2026, 3, 10, 9), paris(2026, 3, 10, 10), structure=structure_a)

    detail = client_as(comptable).get(reverse("espaces:reservation-detail", args=[r.pk]))

    assert detail.status_code == 200
    assert "Annuler la réservation" not in detail.text


# --- Réservations extérieures ------------------------------------------------------------

EXTERNE = {
    "organisation": "Fédération des centres sociaux",
    "contact": "Jeanne Martin",
    "email": "contact@federation.test",
    "telephone": "05 56 00 00 00",
    "adresse_facturation": "1 place du Marché, 33000 Bordeaux",
}


@pytest.mark.parametrize(
    ("de", "a", "code", "montant"),
    [
        ("09:00", "12:00", Tarif.Code.SALLE_HEURE, "90.00"),  # 3 × 30 < 100 < 180
        ("09:00", "17:00", Tarif.Code.SALLE_JOURNEE, "180.00"),  # 240, 2 × 100, 180
        ("09:00", "13:00", Tarif.Code.SALLE_DEMI_JOURNEE, "100.00"),  # 120, 100, 180
    ],
)
def test_reservation_exterieure_par_l_equipe(lieu, gestion, de, a, code, montant):
    data = creneau_data(de=de, a=a, titre="Assemblée générale", nb_personnes="10", **EXTERNE)

    response = client_as(gestion).post(reverse("espaces:reserver-externe", args=["salle-a"]), data)

    r = Reservation.objects.get()
    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert r.structure is None
    assert r.externe == ClientExterne.objects.get(nom="Fédération des centres sociaux")
    assert r.externe.adresse_facturation == "1 place du Marché, 33000 Bordeaux"
    assert (r.statut, r.par) == (Statut.CONFIRMEE, gestion)
    assert r.tarif == lieu.tarifs[code]
    assert r.montant_ht == Decimal(montant)
    assert r.taux_tva == Decimal("20.00")


def test_reservation_exterieure_dit_son_prix(lieu, gestion):
    """L'équipe réserve en une étape (elle ne paie pas) : le message et la fiche disent le
    prix que l'organisation paiera."""
    data = creneau_data(de="09:00", a="12:00", titre="AG", nb_personnes="10", **EXTERNE)
    client = client_as(gestion)

    response = client.post(reverse("espaces:reserver-externe", args=["salle-a"]), data)

    page = client.get(response.url)
    assert contient(
        page,
        "Réservation extérieure enregistrée : Fédération des centres sociaux, "
        "mar. 10 mars 2026 de 09:00 à 12:00 (108,00\u00a0€ TTC).",
    )
    assert contient(page, "90,00\u00a0€ HT (108,00\u00a0€ TTC)")


def test_reservation_exterieure_previent_l_organisation(lieu, gestion, mailoutbox):
    data = creneau_data(titre="AG", nb_personnes="10", **EXTERNE)

    client_as(gestion).post(reverse("espaces:reserver-externe", args=["salle-a"]), data)

    (mail,) = mailoutbox
    assert "contact@federation.test" in mail.to
    assert mail.subject.startswith("[PHARES] Réservation confirmée : Salle A")
    # No link to a page the organisation cannot open.
    assert "/reservations/" not in mail.body
    assert mail.attachments[0][0] == "reservation.ics"


def test_reservation_exterieure_refusee_ne_laisse_pas_de_client(lieu, gestion):
    """La salle de formation n'est pas proposée aux extérieurs : ni réservation ni client."""
    data = creneau_data(titre="AG", nb_personnes="10", **EXTERNE)

    response = client_as(gestion).post(
        reverse("espaces:reserver-externe", args=["salle-formation"]), data
    )

    assert response.status_code == 200
    assert contient(
        response, "Salle de formation n'est pas proposée aux organisations extérieures."
    )
    assert not Reservation.objects.exists()
    assert not ClientExterne.objects.exists()


# --- Demande publique d'une organisation extérieure ----------------------------------------

DEMANDE = reverse("espaces:demande-publique")


def demande_data(salle, jour=JOUR, **extra) -> dict:
    data = creneau_data(jour, "09:00", "12:00", salle=salle.pk, titre="Assemblée générale")
    data.update(nb_personnes="8", site_web="", **EXTERNE, **preuve_de_travail())
    data.update(extra)
    return data


def test_demande_publique_en_attente_sans_retenir_le_creneau(lieu, client, mailoutbox):
    response = client.post(DEMANDE, demande_data(lieu.salle_a))

    assert response.status_code == 200
    assert "Demande envoyée" in response.text
    assert "le créneau n'est pas retenu" in response.text
    r = Reservation.objects.get()
    assert (r.statut, r.par, r.structure) == (Statut.EN_ATTENTE, None, None)
    assert r.externe.email == "contact@federation.test"
    # At most 7 days, never past the start.
    assert r.expire_le == NOW + datetime.timedelta(days=7)
    assert r.expire_le <= r.debut
    assert r.montant_ht == Decimal("90.00")
    accuse, alerte = mailoutbox
    assert accuse.to == ["contact@federation.test"]
    assert accuse.subject.startswith("[PHARES] Demande de salle reçue : Salle A")
    assert "le créneau n'est pas retenu" in accuse.body
    # The team is told, with the link to accept or refuse.
    assert alerte.to == [settings.PHARES_CONTACT["email"]]
    assert "Fédération des centres sociaux" in alerte.subject
    assert f"{settings.PHARES_URL}/reservations/{r.pk}/" in alerte.body
    # The request holds nothing: habitants may still book the slot.
    assert (
        services.planifier_serie(
            lieu.salle_a,
            [services.Creneau(paris(2026, 3, 10, 10), paris(2026, 3, 10, 11))],
            nb_personnes=1,
            externe=False,
            now=NOW,
        ).conflits
        == []
    )


def test_demande_proche_expire_au_debut(lieu, client):
    client.post(DEMANDE, demande_data(lieu.salle_a, jour=datetime.date(2026, 3, 4)))

    r = Reservation.objects.get()
    assert r.expire_le == r.debut == paris(2026, 3, 4, 9)


def test_l_equipe_accepte_ou_refuse(lieu, client, gestion, mailoutbox):
    client.post(DEMANDE, demande_data(lieu.salle_a))
    client.post(DEMANDE, demande_data(lieu.salle_a, jour=datetime.date(2026, 3, 11)))
    acceptee, refusee = Reservation.objects.order_by("debut")
    staff = client_as(gestion)
    mailoutbox.clear()

    detail = staff.get(reverse("espaces:reservation-detail", args=[acceptee.pk]))
    assert "Accepter la demande" in detail.text
    r1 = staff.post(
        reverse("espaces:reservation-decider", args=[acceptee.pk]), {"decision": "accepter"}
    )
    assert contient(suivre(staff, r1), "Demande acceptée.")
    r2 = staff.post(
        reverse("espaces:reservation-decider", args=[refusee.pk]), {"decision": "refuser"}
    )
    assert contient(suivre(staff, r2), "Demande refusée.")

    assert Reservation.objects.get(pk=acceptee.pk).statut == Statut.CONFIRMEE
    assert Reservation.objects.get(pk=refusee.pk).statut == Statut.REFUSEE
    # The organisation hears the answer either way.
    assert [m.to for m in mailoutbox] == [["contact@federation.test"]] * 2
    assert mailoutbox[0].subject.startswith("[PHARES] Réservation confirmée : Salle A")
    assert mailoutbox[1].subject.startswith("[PHARES] Demande de salle refusée : Salle A")
    assert [str(e["status"]) for e in evenements(mailoutbox[1])] == ["CANCELLED"]
    assert "refusée" in mailoutbox[1].body
    # No account, no link to a page the organisation could not open.
    assert "/reservations/" not in mailoutbox[1].body
    # A decided request offers no second decision.
    detail = staff.get(reverse("espaces:reservation-detail", args=[acceptee.pk]))
    assert "Accepter la demande" not in detail.text


def test_decider_une_demande_expiree(lieu, client, gestion, time_machine):
    client.post(DEMANDE, demande_data(lieu.salle_a))
    r = Reservation.objects.get()
    time_machine.move_to(r.expire_le + datetime.timedelta(minutes=1), tick=False)
    staff = client_as(gestion)

    response = staff.post(
        reverse("espaces:reservation-decider", args=[r.pk]), {"decision": "accepter"}
    )

    assert contient(
        suivre(staff, response), "Cette demande a expiré : elle n'attend plus de réponse."
    )
    assert Reservation.objects.get(pk=r.pk).statut == Statut.EXPIREE


def test_pot_de_miel_rempli(lieu, client, mailoutbox):
    response = client.post(DEMANDE, demande_data(lieu.salle_a, site_web="https://spam.test"))

    assert response.status_code == 200
    assert "Demande refusée." in response.text
    assert not Reservation.objects.exists()
    assert not ClientExterne.objects.exists()
    assert mailoutbox == []


def test_demande_sur_une_salle_reservee_aux_habitants(lieu, client):
    response = client.get(DEMANDE)
    assert "Salle A" in response.text
    assert "Salle de formation" not in response.text

    response = client.post(DEMANDE, demande_data(lieu.formation))

    assert contient(response, "Sélectionnez un choix valide.")
    assert not Reservation.objects.exists()


def test_demande_sur_un_creneau_pris(lieu, client, structure_b):
    inserer(lieu.salle_a, paris(2026, 3, 10, 11), paris(2026, 3, 10, 12), structure=structure_b)

    response = client.post(DEMANDE, demande_data(lieu.salle_a))

    assert contient(response, "Salle A est déjà réservée de 11:00 à 12:00 le mar. 10 mars 2026")
    assert Reservation.objects.count() == 1
    assert not ClientExterne.objects.exists()


# --- Vélos -------------------------------------------------------------------------------

VELOS = reverse("espaces:velos")


def velo_data(structure, de="09:00", a="11:00") -> dict:
    return creneau_data(de=de, a=a, titre="Livraison", structure=structure.pk)


def test_velos_attribues_puis_plus_aucun(lieu, structure_a, membre_a, mailoutbox):
    client = client_as(membre_a)

    premier = client.post(VELOS, velo_data(structure_a))
    assert contient(client.get(premier.url), "Vélo 1 est réservé pour vous")
    second = client.post(VELOS, velo_data(structure_a))
    troisieme = client.post(VELOS, velo_data(structure_a, de="10:00", a="10:30"))

    assert second.status_code == 302
    pris = Reservation.objects.order_by("pk")
    assert [r.ressource.nom for r in pris] == ["Vélo 1", "Vélo 2"]
    assert troisieme.status_code == 200
    assert contient(troisieme, "Aucun vélo n'est libre sur ce créneau.")
    assert Reservation.objects.count() == 2
    assert len(mailoutbox) == 2
    # After 11:00 the first bike is free again.
    apres = client.post(VELOS, velo_data(structure_a, de="11:00", a="12:00"))
    assert apres.status_code == 302
    assert Reservation.objects.order_by("pk").last().ressource.nom == "Vélo 1"


def test_page_velos_montre_qui_a_pris_quoi(lieu, structure_a, structure_b, membre_a):
    inserer(
        lieu.velos[0],
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_b,
        titre="Course secrète",
    )
    inserer(
        lieu.velos[1],
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_a,
        titre="Livraison Halage",
    )

    response = client_as(membre_a).get(VELOS + "?date=2026-03-10")

    assert "Vélo 1 : 09:00–10:00" in response.text
    assert "Course secrète" not in response.text
    assert "Livraison Halage" in response.text


def test_un_velo_payant_se_confirme_en_deux_temps(lieu, structure_a, membre_a, mailoutbox):
    """Comme une salle : la première validation dit le prix et propose « Confirmer (7,20 €
    TTC) » sans rien réserver ; la seconde réserve à ce prix."""
    Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE, montant_ht=Decimal("2.00"), debut=datetime.date(2026, 1, 1)
    )
    client = client_as(membre_a)

    apercu = client.post(VELOS, velo_data(structure_a, de="09:00", a="12:00"))

    assert apercu.status_code == 200
    assert not Reservation.objects.exists() and mailoutbox == []
    assert contient(apercu, "Cette réservation : 3 h, dont 3 h facturées 6,00\u00a0€ HT")
    assert (
        '<button type="submit" name="prix_accepte" value="7.20" class="btn btn-primary">'
        "Confirmer (7,20\u00a0€ TTC)</button>"
    ) in apercu.text

    response = client.post(
        VELOS, {**velo_data(structure_a, de="09:00", a="12:00"), "prix_accepte": "7.20"}
    )

    r = Reservation.objects.get()
    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert r.montant.ttc == Decimal("7.20")
    assert contient(client.get(response.url), "6,00\u00a0€ HT (7,20\u00a0€ TTC)")


def test_un_velo_gratuit_se_reserve_d_un_coup(lieu, structure_a, membre_a):
    Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE, montant_ht=Decimal("0"), debut=datetime.date(2026, 1, 1)
    )

    response = client_as(membre_a).post(VELOS, velo_data(structure_a))

    assert response.status_code == 302
    assert Reservation.objects.get().montant.est_nul


# --- Consommations, forfaits --------------------------------------------------------------

CONSOMMATIONS = reverse("espaces:consommation-liste")


def test_consommation_figee_au_tarif_du_jour(lieu, structure_a, membre_a):
    client = client_as(membre_a)
    data = {
        "structure": structure_a.pk,
        "service": "impression",
        "date": "2026-03-02",
        "quantite": "120",
        "commentaire": "Affiches",
    }

    response = client.post(CONSOMMATIONS, data)

    assert response.status_code == 302
    c = Consommation.objects.get()
    assert (c.structure, c.service, c.quantite, c.saisi_par) == (
        structure_a,
        "impression",
        120,
        membre_a,
    )
    assert c.tarif == lieu.tarifs[Tarif.Code.IMPRESSION]
    assert (c.prix_unitaire_ht, c.taux_tva) == (Decimal("0.1000"), Decimal("20.00"))
    # A later price change does not touch what was recorded.
    Tarif.objects.filter(code=Tarif.Code.IMPRESSION).update(fin=datetime.date(2026, 3, 2))
    Tarif.objects.create(
        code=Tarif.Code.IMPRESSION, montant_ht=Decimal("0.15"), debut=datetime.date(2026, 3, 3)
    )
    c.refresh_from_db()
    assert c.prix_unitaire_ht == Decimal("0.1000")
    page = client.get(CONSOMMATIONS)
    assert "Affiches" not in page.text  # the list shows the price, not the comment
    assert "0,10\u00a0€" in page.text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"date": "2026-03-03"}, "On enregistre une consommation passée ou du jour, pas à venir."),
        ({"quantite": "0"}, "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ({"date": "2014-12-31"}, "Aucun tarif n'est en vigueur pour ce service à cette date."),
    ],
)
def test_consommation_refusee(lieu, structure_a, membre_a, extra, message):
    data = {"structure": structure_a.pk, "service": "affranchissement", "date": "2026-03-02"}
    data.update({"quantite": "3", **extra})

    response = client_as(membre_a).post(CONSOMMATIONS, data)

    assert response.status_code == 200
    assert contient(response, message)
    assert not Consommation.objects.exists()


def test_un_habitant_ne_saisit_pas_pour_une_autre_structure(lieu, structure_b, membre_a):
    data = {
        "structure": structure_b.pk,
        "service": "affranchissement",
        "date": "2026-03-02",
        "quantite": "3",
    }

    response = client_as(membre_a).post(CONSOMMATIONS, data)

    assert contient(response, "Sélectionnez un choix valide.")
    assert not Consommation.objects.exists()


def test_consommations_d_une_autre_structure_invisibles(
    lieu, structure_a, structure_b, membre_a, habitant_b
):
    services.enregistrer_consommation(
        structure=structure_b,
        service="impression",
        date=datetime.date(2026, 3, 2),
        quantite=777,
        par=acteur(habitant_b),
    )

    response = client_as(membre_a).get(CONSOMMATIONS + f"?structure={structure_b.pk}")

    assert response.status_code == 200
    assert "777" not in response.text
    assert "Mode Estime" not in response.text


def test_forfait_remplace_le_precedent(lieu, structure_a, gestion):
    client = client_as(gestion)
    url = reverse("espaces:forfaits")

    client.post(url, {"structure": structure_a.pk, "heures_par_mois": "10", "debut": "2026-01-01"})
    response = client.post(
        url, {"structure": structure_a.pk, "heures_par_mois": "20", "debut": "2026-03-01"}
    )

    assert response.url == url
    ancien, nouveau = ForfaitSalles.objects.order_by("debut")
    assert (ancien.heures_par_mois, ancien.fin) == (10, datetime.date(2026, 2, 28))
    assert (nouveau.heures_par_mois, nouveau.debut, nouveau.fin) == (
        20,
        datetime.date(2026, 3, 1),
        None,
    )
    page = client.get(url)
    assert contient(page, "Forfait de Halage enregistré.")
    assert "<td>20 h</td>" in page.text
    assert "<td>10 h</td>" not in page.text


def test_forfait_avant_le_forfait_en_cours(lieu, structure_a, gestion):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2026, 3, 1)
    )

    response = client_as(gestion).post(
        reverse("espaces:forfaits"),
        {"structure": structure_a.pk, "heures_par_mois": "5", "debut": "2026-02-01"},
    )

    assert response.status_code == 200
    assert contient(response, "Un forfait commence déjà le 01/03/2026 : choisissez une date après.")
    assert ForfaitSalles.objects.get().heures_par_mois == 10


def test_reservation_au_dela_du_forfait_est_facturee(lieu, structure_a, membre_a):
    """Forfait de 1 h par mois : une réunion de 2 h en facture 1 au tarif habitant (12 €) ;
    la page le dit d'abord, la personne confirme ce montant."""
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=1, debut=datetime.date(2026, 1, 1)
    )
    client = client_as(membre_a)

    apercu = client.post(RESERVER_A, reservation_data(structure_a, heure_fin="11:00"))

    assert apercu.status_code == 200
    assert not Reservation.objects.exists()
    assert "Confirmer (14,40\u00a0€ TTC)" in apercu.text
    response = client.post(
        RESERVER_A, reservation_data(structure_a, heure_fin="11:00", prix_accepte="14.40")
    )

    r = Reservation.objects.get()
    assert (r.minutes_facturables, r.montant_ht) == (60, Decimal("12.00"))
    assert r.tarif == lieu.tarifs[Tarif.Code.SALLE_HABITANT_HEURE]
    assert (
        "12,00\u00a0€ HT (14,40\u00a0€ TTC), temps facturé : 1 h" in client.get(response.url).text
    )


# --- Mes réservations ----------------------------------------------------------------------


def test_mes_reservations(lieu, structure_a, structure_b, membre_a, referent_a):
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_a,
        par=referent_a,
        titre="Réunion du référent",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 11),
        paris(2026, 3, 10, 12),
        structure=structure_b,
        titre="Réunion de Mode Estime",
    )
    inserer(
        lieu.salle_a,
        paris(2026, 2, 10, 11),
        paris(2026, 2, 10, 12),
        structure=structure_a,
        titre="Réunion passée",
    )
    url = reverse("espaces:reservation-liste")
    client = client_as(membre_a)

    tout = client.get(url)
    a_venir = client.get(url + "?quand=a_venir")

    assert contient(tout, "Réunion du référent")
    assert "Réunion passée" in tout.text
    assert "Mode Estime" not in tout.text
    assert "Réunion passée" not in a_venir.text
    assert contient(a_venir, "Réunion du référent")


def test_serie_sur_une_demande_expiree(lieu, structure_a, membre_a):
    """Une demande dont la date limite est passée ne fait pas sauter un créneau de la série."""
    client_externe = ClientExterne.objects.create(
        nom="Fédération", email="f@federation.test", adresse_facturation="Bordeaux"
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 17, 9),
        paris(2026, 3, 17, 10),
        externe=client_externe,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 1, 8),
    )

    response = client_as(membre_a).post(
        RESERVER_A, reservation_data(structure_a, frequence="hebdomadaire", nombre="2")
    )

    assert response.status_code == 302
    assert Reservation.objects.filter(structure=structure_a).count() == 2


def test_une_meme_adresse_ne_tient_pas_plus_de_trois_demandes(lieu, client):
    for jour in (10, 11, 12):
        client.post(DEMANDE, demande_data(lieu.salle_a, jour=datetime.date(2026, 3, jour)))
    assert Reservation.objects.filter(statut=Statut.EN_ATTENTE).count() == 3

    response = client.post(DEMANDE, demande_data(lieu.salle_a, jour=datetime.date(2026, 3, 13)))

    assert response.status_code == 200
    assert contient(response, "Vous avez déjà 3 demandes en attente")
    assert Reservation.objects.filter(statut=Statut.EN_ATTENTE).count() == 3
    assert ClientExterne.objects.count() == 3
