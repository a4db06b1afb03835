"""Pages de comptes (allauth : account et mfa) : toutes dans la mise en page du site, et les
pages « Mon compte » avec leur sous-menu, la page courante signalée."""

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SOUS_MENU = {
    "Adresse e-mail": "account_email",
    "Mot de passe": "account_change_password",
    "Double authentification": "mfa_index",
}


def assert_mise_en_page_du_site(html: str):
    assert 'aria-label="Navigation principale"' in html
    assert '<footer class="site-footer' in html
    assert 'href="/static/css/phares.css"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<div class="row justify-content-center"><div class="col-lg-8' in html


def sous_menu(html: str) -> dict[str, bool]:
    """{libellé: page courante ?} des liens du sous-menu « Mon compte »."""
    nav = re.search(r'<nav aria-label="Mon compte".*?</nav>', html, re.S)
    assert nav, "pas de sous-menu « Mon compte »"
    liens = re.findall(
        r'<a class="nav-link" href="[^"]+"( aria-current="page")?>([^<]+)</a>', nav[0]
    )
    return {libelle: bool(courant) for courant, libelle in liens}


@pytest.fixture
def connecte(membre_a):
    """Connecté, mot de passe confirmé : les pages de sécurité ne le redemandent pas."""
    client = Client()
    client.force_login(membre_a)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_signup"),
        "/comptes/password/reset/key/1-pas-un-jeton/",
    ],
)
def test_pages_d_entree_dans_la_mise_en_page(url):
    response = Client().get(url, follow=True)
    assert response.status_code == 200
    assert_mise_en_page_du_site(response.text)
    assert 'aria-label="Mon compte"' not in response.text


@pytest.mark.parametrize(
    ("url_name", "courant"),
    [
        ("account_email", "Adresse e-mail"),
        ("account_change_password", "Mot de passe"),
        ("mfa_index", "Double authentification"),
        ("mfa_activate_totp", "Double authentification"),
        ("account_logout", None),
    ],
)
def test_pages_mon_compte_avec_sous_menu(connecte, url_name, courant):
    response = connecte.get(reverse(url_name))
    assert response.status_code == 200
    assert_mise_en_page_du_site(response.text)
    liens = sous_menu(response.text)
    assert list(liens) == list(SOUS_MENU)
    assert [libelle for libelle, actif in liens.items() if actif] == ([courant] if courant else [])


def test_activation_totp_montre_le_qr_code_et_le_formulaire(connecte):
    html = connecte.get(reverse("mfa_activate_totp")).text
    assert re.search(r'<img class="[^"]*qr-totp[^"]*" src="data:image/svg\+xml', html)
    assert 'name="code"' in html
    assert re.search(
        r'<button class="btn btn-primary[^>]*type="submit">\s*Activer\s*</button>', html
    )


@pytest.mark.parametrize(
    "url_name",
    ["mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"],
)
def test_pages_double_authentification_active(connecte, membre_a, url_name):
    TOTP.activate(membre_a, generate_totp_secret())
    RecoveryCodes.activate(membre_a)
    response = connecte.get(reverse(url_name))
    assert response.status_code == 200
    assert_mise_en_page_du_site(response.text)
    assert sous_menu(response.text)["Double authentification"]


def test_etape_du_code_totp_dans_la_mise_en_page(membre_a):
    TOTP.activate(membre_a, generate_totp_secret())
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": membre_a.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert_mise_en_page_du_site(response.text)
    assert 'name="code"' in response.text


def test_confirmation_du_mot_de_passe_dans_la_mise_en_page(membre_a):
    client = Client()
    client.force_login(membre_a)  # no recorded authentication: allauth asks again
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert_mise_en_page_du_site(response.text)


def test_scripts_d_allauth_dans_la_page(connecte, membre_a):
    # allauth's pages put their scripts in `extra_body`: they must reach the site's page.
    TOTP.activate(membre_a, generate_totp_secret())
    RecoveryCodes.activate(membre_a)
    html = connecte.get(reverse("mfa_view_recovery_codes")).text
    assert '<script src="/static/mfa/js/recovery_codes.js"></script>' in html
