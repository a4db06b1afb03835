"""Le formulaire public dans un vrai navigateur : static/js/defi.js résout le défi à la
difficulté de production avant l'envoi, et la demande part ; sans JavaScript, elle part
aussi (bornée plus court côté serveur)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Reservation
from phares.lib import temps
from tests.browser.conftest import field, remplir_organisation
from tests.espaces.views_fixtures import construire_lieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BITS_DE_PRODUCTION = 13  # phares/settings.py, PHARES_DEFI_BITS


def mardi_prochain() -> datetime.date:
    return temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)


def remplir(page, mardi):
    field(page, "Salle").select_option(label="Salle A")
    field(page, "Date").fill(mardi.isoformat())
    field(page, "De").fill("13:00")
    field(page, "À").fill("16:00")
    remplir_organisation(page)


def test_le_navigateur_resout_le_defi_et_la_demande_part(page, live_server, structure_a, settings):
    settings.PHARES_DEFI_BITS = BITS_DE_PRODUCTION
    construire_lieu(structure_a)
    mardi = mardi_prochain()
    page.goto(f"{live_server.url}/salles/demande/")
    remplir(page, mardi)

    page.get_by_role("button", name="Envoyer la demande").click()

    expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()
    demande = Reservation.objects.get(statut=Reservation.Statut.EN_ATTENTE)
    assert demande.debut == temps.aware(mardi, datetime.time(13))


def test_sans_javascript_la_demande_part_aussi(browser, live_server, structure_a):
    construire_lieu(structure_a)
    contexte = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = contexte.new_page()
    try:
        page.goto(f"{live_server.url}/salles/demande/")
        # (Its <noscript> note is checked in tests/espaces/test_anti_abus.py: Playwright's
        # switch stops scripts but chromium still parses <noscript> as if they ran.)
        remplir(page, mardi_prochain())
        page.wait_for_timeout(2_100)  # a person takes longer than the 2 s the server asks

        page.get_by_role("button", name="Envoyer la demande").click()

        expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()
    finally:
        contexte.close()
    assert Reservation.objects.filter(statut=Reservation.Statut.EN_ATTENTE).count() == 1
