"""Mon compte dans un vrai navigateur : depuis la navigation, le sous-menu mène à l'e-mail,
au mot de passe et à la double authentification, chaque page dans la mise en page du site."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD, code_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect_site_layout(page, h1, problemes):
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("La Cité PHARES")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    problemes += audit(page, h1)  # axe-core, WCAG 2.1 AA


def expect_current(page, label):
    # "Mon compte" in the main navigation: the current page, or the section it is in.
    principale = page.get_by_role("navigation", name="Navigation principale")
    compte = principale.get_by_role("link", name=re.compile("^Mon compte"))
    expect(compte).to_have_attribute(
        "aria-current", "page" if label == "Adresse e-mail" else "true"
    )
    menu = page.get_by_role("navigation", name="Mon compte")
    for link in ("Adresse e-mail", "Mot de passe", "Double authentification"):
        lien = menu.get_by_role("link", name=link, exact=True)
        if link == label:
            expect(lien).to_have_attribute("aria-current", "page")
        else:
            expect(lien).not_to_have_attribute("aria-current", "page")


def test_habitant_trouve_mot_de_passe_et_double_authentification(page, live_server, membre_a):
    problemes = []
    login(page, live_server.url, membre_a.email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    principale = page.get_by_role("navigation", name="Navigation principale")
    principale.get_by_role("link", name=re.compile("^Mon compte")).click()
    expect_site_layout(page, "Adresse e-mail", problemes)
    expect_current(page, "Adresse e-mail")

    menu = page.get_by_role("navigation", name="Mon compte")
    menu.get_by_role("link", name="Mot de passe").click()
    expect_site_layout(page, "Modifier le mot de passe", problemes)
    expect_current(page, "Mot de passe")
    expect(field(page, "Mot de passe actuel")).to_be_visible()

    menu.get_by_role("link", name="Double authentification").click()
    expect_site_layout(page, "Authentification à deux facteurs", problemes)
    expect_current(page, "Double authentification")
    expect(page.get_by_text("Aucune application d'authentification active.")).to_be_visible()

    # Activating asks for the password again, on a page of the site too.
    page.get_by_role("link", name="Activer").click()
    expect_site_layout(page, "Confirmer l'accès", problemes)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()

    expect_site_layout(page, "Activer l'application d'authentification", problemes)
    expect_current(page, "Double authentification")
    # allauth's own fields (not Django forms) pad their labels with blanks: no exact match.
    secret = page.get_by_label("Secret d'authentification").input_value()
    expect(page.get_by_role("img", name=secret)).to_be_visible()  # the QR code
    code = field(page, "Code de l'authentificateur")
    expect(code).to_be_visible()
    code.fill(code_totp(secret))
    page.get_by_role("button", name="Activer").click()

    # allauth then shows the recovery codes, still inside the site's layout.
    expect_site_layout(page, "Codes de récupération", problemes)
    expect_current(page, "Double authentification")
    expect(page.get_by_label("Codes inutilisés")).to_be_visible()
    assert Authenticator.objects.filter(user=membre_a, type=Authenticator.Type.TOTP).exists()
    assert problemes == []
