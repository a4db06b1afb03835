"""Dans un vrai navigateur : une action qui demande confirmation, puis sa trace au journal
(fiche de la structure et page du journal), lue par la chargée de développement."""

import re

import pytest
from playwright.sync_api import expect

from habitants.models import Structure
from phares.models import EntreeJournal
from tests.browser.conftest import login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_archiver_demande_confirmation_puis_se_lit_au_journal(
    page, live_server, gestion, structure_a, referent_a, membre_a
):
    url = live_server.url
    login(page, url, gestion.email, PASSWORD)
    page.goto(f"{url}/habitants/fiche/halage/")

    page.get_by_role("link", name="Archiver").click()
    expect(page.get_by_role("heading", name="Archiver Halage")).to_be_visible()
    expect(page.get_by_text("Ses membres perdent l'accès")).to_be_visible()
    problemes = audit(page, "confirmation d'archivage")
    # Changing one's mind changes nothing.
    page.get_by_role("link", name="Ne rien faire et revenir").click()
    expect(page).to_have_url(f"{url}/habitants/fiche/halage/")
    assert not Structure.objects.get(pk=structure_a.pk).archivee

    page.get_by_role("link", name="Archiver").click()
    page.get_by_role("button", name="Archiver la structure").click()
    expect(page.get_by_text("« Halage » est archivée")).to_be_visible()
    assert Structure.objects.get(pk=structure_a.pk).archivee

    historique = page.get_by_role("table", name=re.compile("Dernières opérations"))
    expect(historique.get_by_text("Structure archivée : Halage")).to_be_visible()
    expect(historique.get_by_text("Anne Hurand")).to_be_visible()

    page.get_by_role("link", name="Tout l'historique de Halage").click()
    expect(page.get_by_role("heading", name="Journal des opérations")).to_be_visible()
    expect(page.get_by_label("Structure")).to_have_value(str(structure_a.pk))
    journal = page.get_by_role("table", name=re.compile("opération", re.IGNORECASE))
    expect(journal.get_by_text("Structure archivée : Halage")).to_be_visible()
    expect(journal.get_by_role("listitem").filter(has_text="archivée")).to_contain_text("non")
    problemes += audit(page, "journal filtré")
    assert not problemes, "\n".join(problemes)
    entree = EntreeJournal.objects.get(operation="structure.archiver")
    assert entree.request_id  # from the browser's request


def test_retirer_un_membre_demande_confirmation(page, live_server, referent_a, membre_a):
    url = live_server.url
    login(page, url, referent_a.email, PASSWORD)
    page.goto(f"{url}/mon-espace/halage/")

    page.get_by_role("link", name=re.compile("Retirer.*Maud Membre")).click()
    expect(page.get_by_role("heading", name="Retirer Maud Membre")).to_be_visible()
    page.get_by_role("button", name="Retirer de la structure").click()

    expect(page.get_by_text("Maud Membre ne fait plus partie de Halage")).to_be_visible()
    assert EntreeJournal.objects.filter(operation="membre.retirer").count() == 1
