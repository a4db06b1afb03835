"""Les pages de réservation après « Before it grows » : modifier une réservation, annuler
après confirmation, réserver pour une organisation extérieure depuis les plannings, séries
quotidiennes qui sautent les jours fermés, listes à venir puis passées, dates et durées en
français."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from espaces import services
from espaces.models import ClientExterne, ForfaitSalles, Reservation, SerieReservations
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import (
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
NBSP = "\u00a0"
RESERVER_A = reverse("espaces:reserver", args=["salle-a"])


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def detail(r):
    return reverse("espaces:reservation-detail", args=[r.pk])


def modifier_url(r):
    return reverse("espaces:reservation-modifier", args=[r.pk])


def annuler_url(r, portee=""):
    url = reverse("espaces:reservation-annuler", args=[r.pk])
    return f"{url}?portee={portee}" if portee else url


@pytest.fixture
def reunion(lieu, structure_a, membre_a):
    """Mardi 10 mars, 9 h–10 h, salle A, pour Halage."""
    return inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_a,
        par=membre_a,
        titre="Comité",
        nb_personnes=4,
    )


# --- Modifier -----------------------------------------------------------------------------


def test_la_page_de_detail_propose_modifier(reunion, membre_a, comptable):
    assert f'href="{modifier_url(reunion)}"' in client_as(membre_a).get(detail(reunion)).text
    assert modifier_url(reunion) not in client_as(comptable).get(detail(reunion)).text


def test_le_formulaire_est_prerempli(reunion, membre_a):
    response = client_as(membre_a).get(modifier_url(reunion))

    assert response.status_code == 200
    for attendu in ('value="2026-03-10"', 'value="09:00"', 'value="10:00"', 'value="Comité"'):
        assert attendu in response.text
    assert "actuellement le mar. 10 mars 2026 de 09:00 à 10:00" in response.text


def test_deplacer_par_la_page(reunion, membre_a, mailoutbox):
    client = client_as(membre_a)

    response = client.post(
        modifier_url(reunion), creneau_data(de="14:00", a="15:30", titre="Comité", nb_personnes=4)
    )

    assert response.url == detail(reunion)
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.fin) == (paris(2026, 3, 10, 14), paris(2026, 3, 10, 15, 30))
    page = client.get(response.url)
    assert contient(page, "Réservation modifiée : Salle A, mar. 10 mars 2026 de 14:00 à 15:30.")
    assert "mar. 10 mars 2026, de 14:00 à 15:30 (1 h 30)" in page.text
    (mail,) = mailoutbox
    assert "Réservation modifiée" in mail.subject


def test_un_creneau_pris_est_refuse_par_la_page(reunion, lieu, structure_b, membre_a):
    inserer(lieu.salle_a, paris(2026, 3, 10, 14), paris(2026, 3, 10, 15), structure=structure_b)

    response = client_as(membre_a).post(
        modifier_url(reunion), creneau_data(de="14:30", a="15:30", titre="Comité", nb_personnes=4)
    )

    assert response.status_code == 200
    assert contient(response, "Salle A est déjà réservée de 14:00 à 15:00 le mar. 10 mars 2026")
    reunion.refresh_from_db()
    assert reunion.debut == paris(2026, 3, 10, 9)


def test_deplacer_au_dela_du_forfait_demande_confirmation(reunion, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2026, 1, 1)
    )
    client = client_as(membre_a)
    plus_long = creneau_data(de="09:00", a="12:00", titre="Comité", nb_personnes=4)

    apercu = client.post(modifier_url(reunion), plus_long)

    assert apercu.status_code == 200
    assert contient(apercu, f"Cette réservation : 3 h, dont 1 h facturée 12,00{NBSP}€ HT")
    assert f"Confirmer (14,40{NBSP}€ TTC)" in apercu.text
    reunion.refresh_from_db()
    assert reunion.fin == paris(2026, 3, 10, 10)

    client.post(modifier_url(reunion), {**plus_long, "prix_accepte": "14.40"})
    reunion.refresh_from_db()
    assert (reunion.fin, str(reunion.montant.ttc)) == (paris(2026, 3, 10, 12), "14.40")


@pytest.mark.parametrize(
    ("statut", "fin", "message"),
    [
        (Statut.ANNULEE, (2026, 3, 10, 10), "Cette réservation est annulée"),
        (Statut.CONFIRMEE, (2026, 2, 27, 10), "Cette réservation est passée"),
    ],
)
def test_une_reservation_passee_ou_annulee_refuse_clairement(
    lieu, structure_a, membre_a, statut, fin, message
):
    r = inserer(
        lieu.salle_a,
        paris(*fin[:3], 9),
        paris(*fin),
        structure=structure_a,
        statut=statut,
    )
    client = client_as(membre_a)

    for method in ("get", "post"):
        response = getattr(client, method)(modifier_url(r))
        assert response.url == detail(r)
        assert contient(client.get(response.url), message)
    assert modifier_url(r) not in client.get(detail(r)).text


def test_les_actions_refusees_ne_changent_rien(reunion, comptable, habitant_b, cogerant):
    data = creneau_data(de="14:00", a="15:00", titre="Pris", nb_personnes=1)
    for user, status in ((comptable, 403), (habitant_b, 404), (cogerant, 404)):
        assert client_as(user).post(modifier_url(reunion), data).status_code == status
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.titre, reunion.sequence) == (paris(2026, 3, 10, 9), "Comité", 0)


def test_l_equipe_deplace_une_demande_puis_l_accepte(lieu, gestion):
    externe = ClientExterne.objects.create(
        nom="Fédération", email="f@federation.test", adresse_facturation="Bordeaux"
    )
    demande = inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 12),
        externe=externe,
        titre="AG",
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 9, 8),
    )
    client = client_as(gestion)
    assert "Pour proposer un autre créneau, modifiez-la" in client.get(detail(demande)).text

    apres_midi = creneau_data(de="14:00", a="17:00", titre="AG", nb_personnes=10)
    # Inserted without a price, it now costs three hours at 30 € HT: staff confirm it too.
    apercu = client.post(modifier_url(demande), apres_midi)
    assert f"Confirmer (108,00{NBSP}€ TTC)" in apercu.text
    response = client.post(modifier_url(demande), {**apres_midi, "prix_accepte": "108.00"})
    demande.refresh_from_db()
    assert (demande.statut, demande.debut) == (Statut.EN_ATTENTE, paris(2026, 3, 10, 14))
    assert contient(client.get(response.url), "Demande modifiée : Salle A")
    client.post(reverse("espaces:reservation-decider", args=[demande.pk]), {"decision": "accepter"})
    demande.refresh_from_db()
    assert demande.statut == Statut.CONFIRMEE


# --- Annuler après confirmation -------------------------------------------------------------


def test_annuler_demande_confirmation(reunion, membre_a, mailoutbox):
    client = client_as(membre_a)
    assert f'href="{annuler_url(reunion)}"' in client.get(detail(reunion)).text

    page = client.get(annuler_url(reunion))

    assert page.status_code == 200
    assert contient(page, "Annuler « Comité », Salle A le mar. 10 mars 2026 de 09:00 à 10:00 ?")
    assert "Ne rien faire et revenir" in page.text
    assert Reservation.objects.get(pk=reunion.pk).statut == Statut.CONFIRMEE
    assert mailoutbox == []

    response = client.post(annuler_url(reunion), champs_caches(page.text))

    assert response.url == reverse("espaces:reservation-liste")
    assert Reservation.objects.get(pk=reunion.pk).statut == Statut.ANNULEE


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


def test_la_confirmation_d_une_serie_dit_ce_qui_reste(serie, membre_a, time_machine):
    """La veille de la première occurrence (préavis de 24 h) : trois seront annulées, la
    première restera réservée, et la page le dit avant d'agir."""
    time_machine.move_to(paris(2026, 3, 9, 12), tick=False)
    client = client_as(membre_a)
    liens = client.get(detail(serie[0])).text
    for portee in ("une", "suivantes", "serie"):
        assert f'href="{annuler_url(serie[0], portee)}"' in liens

    page = client.get(annuler_url(serie[0], "serie"))

    assert contient(page, "Annuler 3 réservations de la série « Permanence » (Salle A) ?")
    assert contient(
        page,
        "Seront annulées : mar. 17 mars 2026 à 09:00, mar. 24 mars 2026 à 09:00, "
        "mar. 31 mars 2026 à 09:00.",
    )
    assert contient(
        page,
        "Resteront réservées, car dans le délai de préavis de 24 h : mar. 10 mars 2026 à 09:00.",
    )
    assert "Annuler les 3 réservations" in page.text
    assert champs_caches(page.text) == {"portee": "serie"}

    client.post(annuler_url(serie[0]), champs_caches(page.text))
    assert [Reservation.objects.get(pk=r.pk).statut for r in serie] == [
        Statut.CONFIRMEE,
        Statut.ANNULEE,
        Statut.ANNULEE,
        Statut.ANNULEE,
    ]


def test_celle_ci_et_les_suivantes(serie, membre_a):
    page = client_as(membre_a).get(annuler_url(serie[2], "suivantes"))

    assert contient(page, "Annuler 2 réservations de la série")
    assert contient(page, "Seront annulées : mar. 24 mars 2026 à 09:00, mar. 31 mars 2026 à 09:00.")


def test_dans_le_preavis_la_page_refuse_tout_de_suite(reunion, membre_a, time_machine):
    time_machine.move_to(paris(2026, 3, 9, 12), tick=False)
    client = client_as(membre_a)

    response = client.get(annuler_url(reunion))

    assert response.url == detail(reunion)
    assert contient(
        client.get(response.url),
        "Annulation possible jusqu'à 24 h avant le début : contactez l'équipe du PHARES.",
    )


# --- Réservations extérieures ------------------------------------------------------------------

EXTERNE_A = reverse("espaces:reserver-externe", args=["salle-a"])


@pytest.mark.parametrize(
    "url",
    [
        reverse("espaces:semaine", args=["salle-a"]) + "?semaine=2026-03-09",
        reverse("espaces:jour") + "?date=2026-03-10",
        reverse("espaces:reservation-liste"),
    ],
)
def test_l_equipe_trouve_la_reservation_exterieure(lieu, gestion, membre_a, comptable, url):
    page = client_as(gestion).get(url)

    assert EXTERNE_A in page.text
    assert "extérieure" in page.text
    # Salle de formation is not open to outside organisations: no link to a refusal.
    assert reverse("espaces:reserver-externe", args=["salle-formation"]) not in page.text
    for user in (membre_a, comptable):
        assert EXTERNE_A not in client_as(user).get(url).text


def test_le_lien_du_planning_ouvre_le_formulaire_au_bon_jour(lieu, gestion):
    response = client_as(gestion).get(EXTERNE_A + "?date=2026-03-10")

    assert response.status_code == 200
    assert 'value="2026-03-10"' in response.text


def test_le_detail_dit_qui_contacter_et_facturer(lieu, gestion):
    externe = ClientExterne.objects.create(
        nom="Fédération des centres sociaux",
        contact="Jeanne Martin",
        email="contact@federation.test",
        telephone="05 56 00 00 00",
        adresse_facturation="1 place du Marché\n33000 Bordeaux",
    )
    demande = inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 12),
        externe=externe,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 9, 8),
    )

    page = client_as(gestion).get(detail(demande))

    assert "Organisation extérieure" in page.text
    assert "Jeanne Martin" in page.text
    assert '<a href="mailto:contact@federation.test">contact@federation.test</a>' in page.text
    assert '<a href="tel:0556000000">05 56 00 00 00</a>' in page.text
    assert "1 place du Marché<br>33000 Bordeaux" in page.text


# --- « Chaque jour » saute les jours fermés ---------------------------------------------------


def test_chaque_jour_saute_le_week_end_et_compte_les_jours_ouverts():
    lundi = datetime.date(2026, 3, 9)
    creneaux = services.occurrences(
        paris(2026, 3, 9, 9),
        paris(2026, 3, 9, 10),
        frequence="quotidienne",
        nombre=10,
        jours={1, 2, 3, 4, 5},
    )

    jours = [c.debut.date() for c in creneaux]
    assert len(jours) == 10
    assert all(j.isoweekday() <= 5 for j in jours)
    assert jours[0] == lundi and jours[-1] == datetime.date(2026, 3, 20)


def test_chaque_semaine_ne_saute_rien():
    """Seul « chaque jour » saute les jours fermés : un samedi choisi chaque semaine reste un
    conflit à signaler (la personne a choisi ce jour-là)."""
    creneaux = services.occurrences(
        paris(2026, 3, 14, 9),
        paris(2026, 3, 14, 10),
        frequence="hebdomadaire",
        nombre=2,
        jours={1, 2, 3, 4, 5},
    )

    assert [c.debut.date().isoweekday() for c in creneaux] == [6, 6]


def test_une_serie_quotidienne_se_reserve_sans_parler_du_week_end(lieu, structure_a, membre_a):
    client = client_as(membre_a)
    response = client.post(
        RESERVER_A,
        creneau_data(
            jour=datetime.date(2026, 3, 9),
            titre="Accueil",
            nb_personnes=2,
            structure=structure_a.pk,
            frequence="quotidienne",
            jusqu_au="2026-03-15",
        ),
    )

    assert response.status_code == 302  # no confirmation page: nothing to report
    jours = [r.debut.date() for r in Reservation.objects.order_by("debut")]
    assert [j.day for j in jours] == [9, 10, 11, 12, 13]
    assert contient(client.get(response.url), "Série réservée : 5 créneaux.")


def test_la_confirmation_ne_liste_que_les_vrais_conflits(lieu, structure_a, structure_b, membre_a):
    inserer(lieu.salle_a, paris(2026, 3, 11, 9), paris(2026, 3, 11, 10), structure=structure_b)

    page = client_as(membre_a).post(
        RESERVER_A,
        creneau_data(
            jour=datetime.date(2026, 3, 9),
            titre="Accueil",
            nb_personnes=2,
            structure=structure_a.pk,
            frequence="quotidienne",
            nombre="7",
        ),
    )

    assert "Certains créneaux de la série ne sont pas libres" in page.text
    assert page.text.count("<li><strong>") == 1
    assert "mer. 11 mars 2026, 09:00–10:00" in page.text
    assert "n'est pas ouverte ce jour-là" not in page.text
    assert "Réserver les 6 créneaux libres" in page.text
    assert not SerieReservations.objects.exists()


# --- Listes : à venir d'abord, puis passées -------------------------------------------------


@pytest.fixture
def plusieurs(lieu, structure_a, structure_b):
    """Deux à venir le même jour à la même heure (salles différentes), une plus proche, deux
    passées, et une en cours (finit après maintenant : à venir)."""

    def une(ressource, jour, h1, h2, structure, titre):
        return inserer(
            ressource, paris(*jour, h1), paris(*jour, h2), structure=structure, titre=titre
        )

    a, b, salle, formation = structure_a, structure_b, lieu.salle_a, lieu.formation
    return {
        "proche": une(salle, (2026, 3, 3), 9, 10, a, "Proche"),
        "loin_1": une(salle, (2026, 3, 20), 9, 10, a, "Loin A"),
        "loin_2": une(formation, (2026, 3, 20), 9, 10, a, "Loin B"),
        "en_cours": une(salle, (2026, 3, 2), 7, 9, a, "En cours"),
        "hier": une(salle, (2026, 3, 1), 9, 10, a, "Hier"),
        "fevrier": une(salle, (2026, 2, 3), 9, 10, a, "Février"),
        "autre": une(salle, (2026, 3, 4), 9, 10, b, "Autre"),
    }


def titres(response) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="/reservations/\d+/">([^<]+)</a></th>', response.text
    )


def test_mes_reservations_a_venir_d_abord_puis_passees(plusieurs, membre_a):
    response = client_as(membre_a).get(reverse("espaces:reservation-liste"))

    assert titres(response) == ["En cours", "Proche", "Loin A", "Loin B", "Hier", "Février"]


@pytest.mark.parametrize(
    ("quand", "attendu"),
    [
        ("a_venir", ["En cours", "Proche", "Loin A", "Loin B"]),
        ("passees", ["Hier", "Février"]),
    ],
)
def test_le_filtre_quand_garde_le_meme_ordre(plusieurs, membre_a, quand, attendu):
    response = client_as(membre_a).get(reverse("espaces:reservation-liste") + f"?quand={quand}")

    assert titres(response) == attendu


def test_la_liste_de_l_equipe_dans_le_meme_ordre(plusieurs, gestion):
    response = client_as(gestion).get(reverse("espaces:reservation-liste"))

    assert titres(response) == [
        "En cours",
        "Proche",
        "Autre",
        "Loin A",
        "Loin B",
        "Hier",
        "Février",
    ]


def test_filtrer_par_dates_avec_des_selecteurs_de_date(plusieurs, gestion):
    url = reverse("espaces:reservation-liste")
    page = client_as(gestion).get(url)
    assert 'type="date" name="du"' in page.text and 'type="date" name="au"' in page.text

    response = client_as(gestion).get(url + "?du=2026-03-01&au=2026-03-04")

    assert titres(response) == ["En cours", "Proche", "Autre", "Hier"]


# --- Formats français -----------------------------------------------------------------------------


def test_dates_et_durees_en_francais(lieu, reunion, membre_a):
    client = client_as(membre_a)

    semaine = client.get(
        reverse("espaces:semaine", args=["salle-formation"]) + "?semaine=2026-03-10"
    )
    reserver = client.get(RESERVER_A)
    liste = client.get(reverse("espaces:reservation-liste"))
    fiche = client.get(detail(reunion))

    assert "réservable de 30 min à 10 h · 15 min de battement" in semaine.text
    assert "Semaine du lun. 9 mars 2026" in semaine.text
    assert "mar. 10 mars 2026</h3>" in semaine.text
    assert "Durée de 30 min à 10 h." in reserver.text
    assert "mar. 10 mars 2026, 09:00–10:00" in liste.text
    assert "mar. 10 mars 2026, de 09:00 à 10:00 (1 h)" in fiche.text
    for page in (semaine, reserver, liste, fiche):
        assert "600 min" not in page.text and " min facturées" not in page.text


def test_les_gabarits_de_reservation_n_ecrivent_pas_de_date_a_l_anglaise():
    """Hors des valeurs d'URL et de champ (AAAA-MM-JJ), une date s'écrit par |date_courte
    ou |date_longue : un |date:"…" réintroduirait « 10 March » ou « mardi 10 mars » au
    hasard des pages."""
    dossier = Path(settings.BASE_DIR) / "templates" / "espaces"
    fautes = []
    for gabarit in sorted([*dossier.glob("*.html"), *dossier.glob("email/*.txt")]):
        for formats in re.findall(r"\|date:[\"']([^\"']*)[\"']", gabarit.read_text()):
            if formats != "Y-m-d":
                fautes.append(f"{gabarit.name}: {formats}")
    assert fautes == []
