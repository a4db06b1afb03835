"""Dans un vrai navigateur : la chargée de développement importe le tableur des structures
du pôle ; l'aperçu montre une erreur, elle corrige le fichier, le renvoie, confirme, et
retrouve les structures dans la liste."""

import re

import pytest
from playwright.sync_api import expect

from habitants.models import Structure
from phares.models import EntreeJournal
from tests.browser.conftest import login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AVEC_ERREUR = (
    "nom;SIRET;forme juridique;arrivée\n"
    "La Ressourcerie;;Association loi 1901;01/03/2015\n"
    "Recyclo;73282932000074;SCOP;31/02/2015\n"
).encode("cp1252")
CORRIGE = AVEC_ERREUR.replace(b"31/02/2015", b"28/02/2015")


def test_importer_des_structures_corriger_puis_confirmer(page, live_server, gestion, tmp_path):
    url = live_server.url
    login(page, url, gestion.email, PASSWORD)
    page.goto(f"{url}/habitants/")
    page.get_by_role("link", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", name="Importer : structures")).to_be_visible()

    fichier = tmp_path / "structures.csv"
    fichier.write_bytes(AVEC_ERREUR)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(fichier)
    page.get_by_role("button", name="Envoyer et voir l'aperçu").click()

    expect(page.get_by_role("heading", name="Aperçu de l'import : structures")).to_be_visible()
    erreurs = page.get_by_role("table", name=re.compile("Erreurs"))
    ligne = erreurs.get_by_role("row").filter(has_text="Date illisible")
    expect(ligne).to_contain_text("3")
    expect(ligne).to_contain_text("arrivée")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    problemes = audit(page, "aperçu d'un import avec une erreur")
    assert not Structure.objects.exists()

    fichier.write_bytes(CORRIGE)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(fichier)
    page.get_by_role("button", name="Envoyer le fichier corrigé").click()
    expect(page.get_by_text("2 à créer", exact=True)).to_be_visible()
    changements = page.get_by_role("table", name=re.compile("Ce qui changera"))
    expect(changements.get_by_role("row").filter(has_text="Recyclo")).to_contain_text("à créer")
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_text("terminé : 2 créée(s)")).to_be_visible()
    expect(page.get_by_role("heading", name="Habitants")).to_be_visible()
    structures = page.get_by_role("table", name=re.compile("structure"))
    expect(structures.get_by_role("link", name="La Ressourcerie")).to_be_visible()
    expect(structures.get_by_role("link", name="Recyclo")).to_be_visible()
    assert not problemes, "\n".join(problemes)
    assert EntreeJournal.objects.filter(operation="import.structures").count() == 1
