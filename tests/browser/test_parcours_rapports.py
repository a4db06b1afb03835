"""Dans un vrai navigateur : la chargée de développement réécrit l'introduction du rapport
2015, relit l'aperçu, télécharge le brouillon, publie, suit le rendu, puis télécharge
l'édition publiée : les mêmes octets, même après un changement des données."""

import pytest
from playwright.sync_api import expect

from rapports.models import Edition
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rediger_publier_et_telecharger_le_rapport(page, live_server, gestion, structure_a):
    url = live_server.url
    login(page, url, gestion.email, PASSWORD)
    page.get_by_role("link", name="Rapport annuel").click()
    expect(page.get_by_role("heading", name="Rapport annuel", exact=True)).to_be_visible()
    page.get_by_role("link", name="Rapport 2015").click()
    expect(page.get_by_role("heading", name="Rapport annuel 2015")).to_be_visible()
    problemes = audit(page, "rapport 2015")

    page.get_by_role("link", name="Modifier les textes et la sélection").click()
    field(page, "Introduction").fill("Une année de coopération au PHARES.")
    problemes += audit(page, "textes du rapport")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Textes du rapport 2015 enregistrés.")).to_be_visible()
    expect(page.get_by_text("Une année de coopération au PHARES.")).to_be_visible()

    with page.expect_download() as brouillon:
        page.get_by_role("link", name="Télécharger le brouillon (PDF)").click()
    assert brouillon.value.suggested_filename == "rapport-annuel-2015-brouillon.pdf"

    page.get_by_role("link", name="Publier une édition").click()
    page.get_by_role("button", name="Publier la version 1").click()
    expect(page.get_by_role("heading", name="Rapport annuel 2015, version 1")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Publiée")
    problemes += audit(page, "édition publiée")
    edition = Edition.objects.get(annee=2015, version=1)

    # The data change after publication; the published edition does not.
    structure_a.description = "Une tout autre description."
    structure_a.save()
    with page.expect_download() as publiee:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert publiee.value.suggested_filename == "rapport-annuel-2015-v1.pdf"
    with open(publiee.value.path(), "rb") as f:
        assert f.read() == bytes(edition.pdf)
    assert not problemes, "\n".join(problemes)
