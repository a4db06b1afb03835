"""Dans un vrai navigateur, par les libellés visibles : la comptabilité cherche un numéro de
facture depuis la barre de navigation et arrive sur la facture ; un référent annule une
réservation, puis clique « Annuler » dans le message et la retrouve."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from espaces import services
from espaces.models import Reservation
from phares.lib import temps
from tests.browser.conftest import login
from tests.browser.test_accessibilite import audit
from tests.browser.test_parcours_reservations import mardi_prochain
from tests.conftest import PASSWORD, acteur
from tests.espaces.views_fixtures import construire_lieu
from tests.phares.test_recherche import facture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_la_comptabilite_trouve_une_facture_par_son_numero(
    page, live_server, comptable, structure_a, structure_b
):
    facture(structure_a, rang=11)
    attendue = facture(structure_b, rang=12)
    login(page, live_server.url, comptable.email, PASSWORD)

    recherche = page.get_by_role("search").get_by_role("searchbox")
    recherche.fill("f2015-12")
    recherche.press("Enter")

    expect(page.get_by_role("heading", name="Facture F2015-0012")).to_be_visible()
    assert page.url.endswith(f"/factures/{attendue.pk}/")

    # A name finds several: the results page, grouped, each linking to its page.
    recherche = page.get_by_role("search").get_by_role("searchbox")
    recherche.fill("halage")
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Recherche", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Structures"))).to_be_visible()
    assert not (problemes := audit(page, "recherche")), problemes
    page.get_by_role("link", name="F2015-0011").click()
    expect(page.get_by_role("heading", name="Facture F2015-0011")).to_be_visible()


def test_un_referent_annule_puis_revient_en_arriere(page, live_server, structure_a, referent_a):
    lieu = construire_lieu(structure_a)
    mardi = mardi_prochain()
    r = services.reserver(
        ressource=lieu.salle_a,
        debut=temps.aware(mardi, datetime.time(9)),
        fin=temps.aware(mardi, datetime.time(10)),
        titre="Comité de pilotage",
        par=acteur(referent_a),
        structure=structure_a,
    )
    login(page, live_server.url, referent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/{r.pk}/")
    page.get_by_role("link", name="Annuler la réservation").click()
    page.get_by_role("button", name="Annuler la réservation").click()

    message = page.get_by_role("status").filter(has_text="Réservation annulée.")
    expect(message).to_contain_text("Vous pouvez revenir en arrière jusqu'à")
    r.refresh_from_db()
    assert r.statut == Reservation.Statut.ANNULEE
    assert not (problemes := audit(page, "message avec « Annuler »")), problemes

    # The button is inside the message, reached by keyboard like any other.
    bouton = message.get_by_role("button", name="Annuler", exact=True)
    bouton.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Réservation rétablie : Salle A")).to_be_visible()
    expect(page.get_by_role("heading", name="Comité de pilotage")).to_be_visible()
    r.refresh_from_db()
    assert (r.statut, r.annulee_le) == (Reservation.Statut.CONFIRMEE, None)
