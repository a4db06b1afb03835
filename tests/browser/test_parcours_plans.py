"""Les plans des étages dans un vrai navigateur, sur la démo : la gestion place un bureau
resté hors du plan, le voit dessiné et coloré, le rejoint au clavier puis en cliquant et
arrive sur sa fiche ; axe ne trouve rien de bloquant sur le plan ni sur le formulaire
en erreur.

Les captures de la démo (docs/ecrans/plan-etage.png, occupation-mensuelle.png) sont
refaites par ce test quand `PHARES_CAPTURES_DOCS=1` ; sinon elles vont dans le dossier
temporaire du test. Le parcours va aussi à l'occupation par mois (graphiques, axe) ; la CSP
n'y refuse rien."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from espaces.models import Espace
from tests.browser.test_accessibilite import DEMO_PASSWORD, GESTION, audit
from tests.browser.test_csp import COLLECT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ecrans"


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)
    # A new office, not placed yet.
    Espace.objects.filter(slug="bureau-16").update(
        plan_x=None, plan_y=None, plan_largeur=None, plan_hauteur=None
    )


def case(page, nom):
    return page.locator("svg.plan-svg").get_by_role("link", name=nom)


def test_la_gestion_place_un_bureau_et_le_voit_sur_le_plan(page, live_server, demo, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 1000})
    # The plan is inline SVG, the charts are SVG images: nothing the CSP refuses.
    page.add_init_script(COLLECT_VIOLATIONS)
    url = live_server.url
    page.goto(f"{url}/comptes/login/")
    page.get_by_label(re.compile("^Adresse e-mail")).fill(GESTION)
    page.get_by_label(re.compile("^Mot de passe")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    # From the building page, the plan of the first floor in June 2015.
    page.get_by_role("button", name="Bâtiment").click()
    page.get_by_role("link", name="Espaces et occupation").click()
    page.get_by_label("Occupation au").fill("2015-06-30")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("link", name="Plan · 1er étage").click()
    expect(page.get_by_role("heading", name="Plan · 1er étage")).to_be_visible()
    expect(case(page, re.compile(r"^Bureau 07 : occupé par \w"))).to_be_visible()
    expect(case(page, re.compile(r"^Espace de co-travail : \d . 5 postes pris$"))).to_be_visible()
    non_places = page.get_by_role("region", name="Pas encore placés sur le plan")
    expect(non_places.get_by_role("link", name="Bureau 16")).to_be_visible()
    assert not (problemes := audit(page, "plan du 1er étage")), problemes

    # The rez-de-chaussée as the release note shows it.
    page.get_by_role("navigation", name="Étages").get_by_role(
        "link", name="Rez-de-chaussée", exact=True
    ).click()
    expect(case(page, "Bureau 01 : occupé par Halage")).to_be_visible()
    dossier = DOCS if os.environ.get("PHARES_CAPTURES_DOCS") else tmp_path
    dossier.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(dossier / "plan-etage.png"), full_page=True)
    page.go_back()

    # Place Bureau 16 next to Bureau 15; an overlap first, refused in French.
    page.get_by_role("link", name="Placer les espaces de cet étage").click()
    expect(page.get_by_role("heading", name="Placer les espaces · 1er étage")).to_be_visible()
    for champ, valeur in (("Colonne", "21"), ("Ligne", "8"), ("Largeur", "3"), ("Hauteur", "3")):
        page.get_by_label(f"{champ} de « Bureau 16 »").fill(valeur)
    page.get_by_role("button", name="Enregistrer le plan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "« Bureau 15 » et « Bureau 16 » se chevauchent sur le plan."
    )
    assert not (problemes := audit(page, "placer (erreur)")), problemes
    page.get_by_label("Colonne de « Bureau 16 »").fill("25")
    page.get_by_role("button", name="Enregistrer le plan").click()
    expect(page.get_by_text("1 espace déplacé sur le plan.")).to_be_visible()

    # Drawn, coloured as a free office (its occupant left in 2015), reachable by keyboard.
    bureau = case(page, "Bureau 16 : libre")
    expect(bureau).to_be_visible()
    expect(bureau.locator("rect")).to_have_attribute("fill", "#e6f4ea")
    expect(bureau.locator("text").first).to_have_text("Bureau 16")
    expect(page.get_by_role("region", name="Pas encore placés sur le plan")).to_have_count(0)
    bureau.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Bureau 16 : libre"
    )
    assert page.evaluate("window.__violations") == []
    bureau.click()
    expect(page.get_by_role("heading", name="Bureau 16")).to_be_visible()
    assert page.url.endswith("/espaces/fiche/bureau-16/")

    # The occupancy of 2015 by month, from the building menu: two charts and their table.
    page.get_by_role("button", name="Bâtiment").click()
    page.get_by_role("link", name="Occupation par mois").click()
    page.get_by_label("Année", exact=True).fill("2015")
    page.get_by_role("button", name="Afficher").click()
    expect(
        page.get_by_role("img", name=re.compile("^Graphique : surface de bureaux"))
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Occupation moyenne de chaque mois de 2015")
    ).to_be_visible()
    assert not (problemes := audit(page, "occupation par mois")), problemes
    page.screenshot(path=str(dossier / "occupation-mensuelle.png"), full_page=True)
    assert page.evaluate("window.__violations") == []
