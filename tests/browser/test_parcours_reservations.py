"""Réserver dans un vrai navigateur, par les libellés visibles : une salle depuis le
planning, une série avec un conflit, une demande extérieure qui ne retient pas le créneau,
et l'occupation du bâtiment côté équipe."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Convention, ForfaitSalles, Reservation, Tarif
from phares.lib import dates, temps
from tests.browser.conftest import field, login, remplir_organisation
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu, inserer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def mardi_prochain() -> datetime.date:
    """Le mardi de la semaine prochaine : toujours à venir, hors du préavis de 24 h."""
    return temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)


def j_mois(jour: datetime.date) -> str:
    """« mar. 8 déc. 2026 », comme les pages l'écrivent."""
    return dates.date_courte(jour, jour=True)


def test_un_habitant_reserve_une_salle_puis_annule(page, live_server, structure_a, membre_a):
    construire_lieu(structure_a)
    mardi = mardi_prochain()
    login(page, live_server.url, membre_a.email, PASSWORD)

    page.get_by_role("link", name="Réservations", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Salles le "))).to_be_visible()
    page.get_by_role("link", name="Salle A", exact=True).click()
    expect(page.get_by_role("heading", name="Salle A", exact=True)).to_be_visible()
    page.get_by_role("link", name="Semaine suivante →").click()
    page.get_by_role("link", name=f"Réserver Salle A le {j_mois(mardi)} à partir de 08:00").click()

    expect(page.get_by_role("heading", name="Réserver Salle A")).to_be_visible()
    expect(field(page, "De")).to_have_value("08:00")
    expect(field(page, "À")).to_have_value("09:00")
    field(page, "Objet").fill("Atelier compost")
    field(page, "Nombre de personnes").fill("6")
    page.get_by_role("button", name="Confirmer la réservation").click()

    expect(
        page.get_by_text(
            f"Réservation confirmée : Salle A, {dates.date_courte(mardi, jour=True)} "
            "de 08:00 à 09:00."
        )
    ).to_be_visible()
    r = Reservation.objects.get()
    assert (r.titre, r.nb_personnes, r.structure, r.par) == (
        "Atelier compost",
        6,
        structure_a,
        membre_a,
    )
    assert r.debut == temps.aware(mardi, datetime.time(8))

    page.get_by_role("link", name="Mes réservations").click()
    page.get_by_role("link", name="Atelier compost").click()
    expect(page.get_by_role("heading", name="Atelier compost")).to_be_visible()
    page.get_by_role("link", name="Annuler la réservation").click()

    # A confirmation first: what will be cancelled; going back changes nothing.
    expect(page.get_by_role("heading", name="Annuler une réservation")).to_be_visible()
    expect(
        page.get_by_text(
            f"Annuler « Atelier compost », Salle A le {dates.date_courte(mardi, jour=True)} "
            "de 08:00 à 09:00 ?"
        )
    ).to_be_visible()
    page.get_by_role("link", name="Ne rien faire et revenir").click()
    expect(page.get_by_role("heading", name="Atelier compost")).to_be_visible()
    r.refresh_from_db()
    assert r.statut == Reservation.Statut.CONFIRMEE
    page.get_by_role("link", name="Annuler la réservation").click()
    page.get_by_role("button", name="Annuler la réservation").click()

    expect(page.get_by_text("Réservation annulée.")).to_be_visible()
    r.refresh_from_db()
    assert (r.statut, r.annulee_par) == (Reservation.Statut.ANNULEE, membre_a)


def test_un_velo_payant_dit_son_prix_avant_d_etre_reserve(page, live_server, structure_a, membre_a):
    """2 € HT de l'heure : la première validation dit le prix, rien n'est réservé ; le bouton
    « Confirmer (7,20 € TTC) » réserve à ce prix."""
    construire_lieu(structure_a)
    Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE, montant_ht=Decimal("2.00"), debut=datetime.date(2015, 1, 1)
    )
    mardi = mardi_prochain()
    login(page, live_server.url, membre_a.email, PASSWORD)

    page.get_by_role("link", name="Réservations", exact=True).click()
    page.get_by_role("link", name="Vélos", exact=True).click()
    expect(page.get_by_role("heading", name="Vélos partagés")).to_be_visible()
    field(page, "Date").fill(mardi.isoformat())
    field(page, "De").fill("09:00")
    field(page, "À").fill("12:00")
    field(page, "Objet (trajet, livraison…)").fill("Livraison des paniers")
    page.get_by_role("button", name="Réserver un vélo").click()

    expect(
        page.get_by_text(
            "Cette réservation : 3 h, dont 3 h facturées 6,00\u00a0€ HT (7,20\u00a0€ TTC)."
        )
    ).to_be_visible()
    assert not Reservation.objects.exists()
    page.get_by_role("button", name="Confirmer (7,20\u00a0€ TTC)").click()

    expect(page.get_by_text("Vélo 1 est réservé pour vous")).to_be_visible()
    expect(page.get_by_text("6,00\u00a0€ HT (7,20\u00a0€ TTC)")).to_be_visible()
    r = Reservation.objects.get()
    assert (r.titre, r.montant.ttc) == ("Livraison des paniers", Decimal("7.20"))


def test_une_serie_hebdomadaire_avec_un_conflit(
    page, live_server, structure_a, structure_b, membre_a
):
    lieu = construire_lieu(structure_a)
    mardi = mardi_prochain()
    conflit = mardi + datetime.timedelta(weeks=1)
    inserer(
        lieu.salle_a,
        temps.aware(conflit, datetime.time(10)),
        temps.aware(conflit, datetime.time(11)),
        structure=structure_b,
    )
    login(page, live_server.url, membre_a.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/salles/salle-a/")

    page.get_by_role("link", name="Réserver Salle A", exact=True).click()
    field(page, "Date").fill(mardi.isoformat())
    field(page, "De").fill("10:00")
    field(page, "À").fill("11:00")
    field(page, "Objet").fill("Permanence emploi")
    field(page, "Nombre de personnes").fill("3")
    field(page, "Répéter").select_option(label="Chaque semaine")
    field(page, "Ou nombre de fois").fill("3")
    page.get_by_role("button", name="Confirmer la réservation").click()

    expect(
        page.get_by_role("heading", name="Certains créneaux de la série ne sont pas libres")
    ).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="déjà réservée")).to_contain_text(
        f"{dates.date_courte(conflit, jour=True)}, 10:00–11:00"
    )
    assert not Reservation.objects.filter(structure=structure_a).exists()
    page.get_by_role("button", name="Réserver les 2 créneaux libres").click()

    expect(
        page.get_by_text("Série réservée : 2 créneaux. 1 créneau(x) non réservé(s).")
    ).to_be_visible()
    debuts = list(
        Reservation.objects.filter(structure=structure_a)
        .order_by("debut")
        .values_list("debut", flat=True)
    )
    assert debuts == [
        temps.aware(mardi + datetime.timedelta(weeks=k), datetime.time(10)) for k in (0, 2)
    ]


def test_une_demande_exterieure_ne_retient_pas_la_salle(
    page, browser, browser_context_args, live_server, structure_a, membre_a, gestion
):
    """Une organisation demande la salle A de 9 h à 12 h ; une habitante, qui voit le créneau
    libre, la réserve de 10 h à 11 h ; l'équipe voit la demande dans le planning et, en
    l'acceptant, apprend qui a pris le créneau : la demande reste en attente."""
    construire_lieu(structure_a)
    mardi = mardi_prochain()

    page.goto(f"{live_server.url}/salles/demande/")
    field(page, "Salle").select_option(label="Salle A")
    field(page, "Date").fill(mardi.isoformat())
    field(page, "De").fill("09:00")
    field(page, "À").fill("12:00")
    remplir_organisation(page)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()
    expect(page.get_by_text("le créneau n'est pas retenu")).to_be_visible()

    # The habitant in a browser of her own; closed before the test ends, so that the live
    # server's threads do not outlive the test's database.
    contexte = browser.new_context(**browser_context_args)
    try:
        habitante = contexte.new_page()
        login(habitante, live_server.url, membre_a.email, PASSWORD)
        habitante.goto(f"{live_server.url}/reservations/jour/?date={mardi.isoformat()}")
        expect(habitante.get_by_text("demande en attente")).to_have_count(0)
        habitante.get_by_role(
            "link", name=f"Réserver Salle A le {j_mois(mardi)} à partir de 08:00"
        ).click()
        field(habitante, "De").fill("10:00")
        field(habitante, "À").fill("11:00")
        field(habitante, "Objet").fill("Comité de pilotage")
        # The price above the button follows each change (htmx): wait until it shows the final
        # slot, or a late swap moves the button between mouse down and mouse up (seen in CI).
        expect(habitante.get_by_test_id("estimation")).to_contain_text("Cette réservation : 1 h")
        habitante.get_by_role("button", name="Confirmer la réservation").click()
        expect(habitante.get_by_text("Réservation confirmée : Salle A")).to_be_visible()
    finally:
        contexte.close()

    login(page, live_server.url, gestion.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/jour/?date={mardi.isoformat()}")
    # Under the grid: the pending requests of the day, which hold nothing.
    demandes = page.get_by_role("region", name="Demandes extérieures en attente")
    expect(demandes.get_by_role("listitem").filter(has_text="Salle A")).to_contain_text(
        "09:00–12:00"
    )
    demandes.get_by_role("link", name="Assemblée générale de la fédération").click()
    page.get_by_role("button", name="Accepter la demande").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Salle A a été réservée entre-temps par Halage (Maud Membre), de 10:00 à 11:00"
    )
    expect(page.get_by_role("button", name="Accepter la demande")).to_be_visible()
    demande = Reservation.objects.get(externe__isnull=False)
    assert demande.statut == Reservation.Statut.EN_ATTENTE
    assert Reservation.objects.get(structure=structure_a).statut == Reservation.Statut.CONFIRMEE


def test_l_equipe_voit_qui_occupe_le_batiment(page, live_server, gestion, structure_a, structure_b):
    lieu = construire_lieu(structure_a)
    Convention.objects.create(
        structure=structure_b,
        espace=lieu.cotravail,
        poste=1,
        debut=datetime.date(2020, 1, 1),
        montant_mensuel_ht=120,
    )
    login(page, live_server.url, gestion.email, PASSWORD)

    page.get_by_role("button", name="Bâtiment").click()
    page.get_by_role("link", name="Espaces et occupation").click()
    field(page, "Occupation au").fill("2021-06-30")
    page.get_by_role("button", name="Afficher").click()

    expect(page.get_by_role("heading", name="Occupation le 30 juin 2021")).to_be_visible()
    occupation = page.get_by_role("table", name=re.compile(r"^Qui occupe quoi"))
    expect(occupation.get_by_role("row").filter(has_text="Bureau 101")).to_contain_text("Halage")
    expect(occupation.get_by_role("row").filter(has_text="Bureau 102")).to_contain_text("Libre")
    expect(occupation.get_by_role("row").filter(has_text="Co-travail")).to_contain_text(
        "Poste 1 : Mode Estime"
    )
    expect(occupation.get_by_role("row").filter(has_text="Co-travail")).to_contain_text(
        "1 / 5 postes"
    )
    expect(page.get_by_text("des bureaux occupés en m²")).to_contain_text("25,0 %")
    expect(page.get_by_text("postes de co-travail occupés")).to_contain_text("1 / 5")
    expect(page.get_by_text("postes de co-travail occupés")).to_contain_text("(20,0 %)")
    expect(page.get_by_text("bureau libre sur 2")).to_contain_text("1")

    # Before Halage arrived, the office was free.
    field(page, "Occupation au").fill("2014-12-31")
    page.get_by_role("button", name="Afficher").click()
    expect(occupation.get_by_role("row").filter(has_text="Bureau 101")).to_contain_text("Libre")
    expect(page.get_by_text("des bureaux occupés en m²")).to_contain_text("0,0 %")


def test_un_membre_voit_le_prix_au_dela_du_forfait_puis_confirme(
    page, live_server, structure_a, membre_a
):
    """Forfait d'1 h par mois : une réunion de 2 h en dépasse une. Le prix s'affiche pendant
    la saisie, la première validation le redemande avec son montant, la réservation le garde."""
    construire_lieu(structure_a)
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=1, debut=datetime.date(2015, 1, 1)
    )
    mardi = mardi_prochain()
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, membre_a.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/salles/salle-a/reserver/")

    field(page, "Date").fill(mardi.isoformat())
    field(page, "De").fill("10:00")
    field(page, "À").fill("12:00")
    field(page, "Objet").fill("Formation des bénévoles")
    # Leaving the last time field sends the form to the price fragment (htmx).
    estimation = page.get_by_test_id("estimation")
    expect(estimation).to_contain_text("aucune heure utilisée sur 1 h incluses")
    expect(estimation).to_contain_text(
        "Cette réservation : 2 h, dont 1 h facturée 12,00 € HT (14,40 € TTC)."
    )
    assert not Reservation.objects.exists()

    # htmx swapped the fragment without a CSP refusal (inline style) or a script error.
    assert erreurs == []
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.get_by_role("button", name="Confirmer (14,40 € TTC)")).to_be_visible()
    assert not Reservation.objects.exists()
    page.get_by_role("button", name="Confirmer (14,40 € TTC)").click()

    expect(page.get_by_text("Réservation confirmée : Salle A")).to_be_visible()
    expect(page.get_by_role("heading", name="Formation des bénévoles")).to_be_visible()
    expect(page.get_by_text("12,00 € HT (14,40 € TTC), temps facturé : 1 h")).to_be_visible()
    r = Reservation.objects.get()
    assert (r.minutes_facturables, str(r.montant.ttc)) == (60, "14.40")


def test_un_membre_deplace_sa_reservation_a_une_autre_heure(
    page, live_server, structure_a, membre_a, mailoutbox
):
    lieu = construire_lieu(structure_a)
    mardi = mardi_prochain()
    r = inserer(
        lieu.salle_a,
        temps.aware(mardi, datetime.time(9)),
        temps.aware(mardi, datetime.time(10)),
        structure=structure_a,
        par=membre_a,
        titre="Point d'équipe",
    )
    login(page, live_server.url, membre_a.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/")
    page.get_by_role("link", name="Point d'équipe").click()

    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", name="Modifier « Point d'équipe »")).to_be_visible()
    expect(field(page, "De")).to_have_value("09:00")
    field(page, "De").fill("15:00")
    field(page, "À").fill("16:30")
    page.get_by_role("button", name="Enregistrer la modification").click()

    jour = dates.date_courte(mardi, jour=True)
    expect(
        page.get_by_text(f"Réservation modifiée : Salle A, {jour} de 15:00 à 16:30.")
    ).to_be_visible()
    expect(page.get_by_text(f"{jour}, de 15:00 à 16:30 (1 h 30)")).to_be_visible()
    r.refresh_from_db()
    assert (r.debut, r.fin, r.sequence) == (
        temps.aware(mardi, datetime.time(15)),
        temps.aware(mardi, datetime.time(16, 30)),
        1,
    )
