"""Le bâtiment dans un vrai navigateur, par les libellés visibles : l'équipe remplace un
tarif depuis la liste, un membre enregistre ses timbres depuis « Mon espace »."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Consommation, Tarif
from phares.lib import dates
from phares.models import EntreeJournal
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_la_gestion_remplace_un_tarif(page, live_server, gestion, structure_a):
    construire_lieu(structure_a)
    le = timezone.localdate() + datetime.timedelta(days=10)
    login(page, live_server.url, gestion.email, PASSWORD)

    page.get_by_role("button", name="Bâtiment").click()
    page.get_by_role("link", name="Tarifs").click()
    expect(page.get_by_role("heading", name="Tarifs", exact=True)).to_be_visible()
    expect(page.get_by_text("garde le prix figé le jour où elle a été faite")).to_be_visible()
    assert not (problemes := audit(page, "tarifs")), problemes
    page.get_by_role(
        "link", name="Remplacer le tarif Impression, à la page du 1er janv. 2015"
    ).click()

    expect(
        page.get_by_role("heading", name="Remplacer le tarif « Impression, à la page »")
    ).to_be_visible()
    expect(page.get_by_text("Prix actuel : 0,10 € HT")).to_be_visible()
    expect(field(page, "Nouveau montant HT (€)")).to_have_value("0.1000")
    # A date before the current start: refused, with the reason next to the form.
    field(page, "Nouveau prix à partir du").fill("2014-12-31")
    field(page, "Nouveau montant HT (€)").fill("0.12")
    page.get_by_role("button", name="Remplacer le tarif").click()
    expect(
        page.get_by_text("Le nouveau prix commence après le début du tarif en cours")
    ).to_be_visible()
    assert not (problemes := audit(page, "remplacer (erreur)")), problemes

    field(page, "Nouveau prix à partir du").fill(le.isoformat())
    page.get_by_role("button", name="Remplacer le tarif").click()

    expect(
        page.get_by_text(
            f"Nouveau tarif « Impression, à la page » : 0,12 € HT à partir du "
            f"{dates.date_courte(le)}."
        )
    ).to_be_visible()
    tableau = page.get_by_role("table", name=re.compile("^Prix hors taxes"))
    lignes = tableau.get_by_role("row").filter(has_text="Impression, à la page")
    expect(lignes).to_have_count(2)
    veille = le - datetime.timedelta(days=1)
    expect(lignes.filter(has_text="0,10 €")).to_contain_text(dates.date_courte(veille))
    expect(lignes.filter(has_text="0,12 €")).to_contain_text(dates.date_courte(le))
    assert list(
        Tarif.objects.filter(code=Tarif.Code.IMPRESSION)
        .order_by("debut")
        .values_list("montant_ht", "debut", "fin")
    ) == [
        (Decimal("0.1000"), datetime.date(2015, 1, 1), veille),
        (Decimal("0.1200"), le, None),
    ]
    assert EntreeJournal.objects.filter(operation="tarif.remplacer").count() == 1


def test_un_membre_enregistre_douze_timbres_depuis_mon_espace(
    page, live_server, membre_a, structure_a
):
    construire_lieu(structure_a)
    login(page, live_server.url, membre_a.email, PASSWORD)

    page.get_by_role("link", name="Mon espace", exact=True).click()
    page.get_by_role("link", name="Enregistrer du courrier ou des impressions").click()

    saisie = page.get_by_role("region", name="Enregistrer une consommation pour Halage")
    expect(saisie).to_be_visible()
    expect(field(saisie, "Date")).to_have_value(timezone.localdate().isoformat())
    expect(saisie.get_by_label("Structure")).to_have_count(0)  # nothing to choose
    field(saisie, "Service").select_option(label="Affranchissement")
    field(saisie, "Quantité").fill("12")
    saisie.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(
        page.get_by_text("Consommation enregistrée : 12 × affranchissement pour Halage.")
    ).to_be_visible()
    tableau = page.get_by_role("table", name=re.compile("consommation"))
    expect(tableau.get_by_role("row").filter(has_text="Affranchissement")).to_contain_text(
        "13,92 €"
    )
    assert not (problemes := audit(page, "consommations")), problemes
    c = Consommation.objects.get()
    assert (c.structure, c.service, c.quantite, c.saisi_par) == (
        structure_a,
        "affranchissement",
        12,
        membre_a,
    )
    assert c.date == timezone.localdate()
