import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path(os.environ.get("PHARES_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} est absent : `apt-get install chromium` (voir .ci/run)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database and so stopped before
    it: a test that asks for `live_server` before `db` would otherwise leave the server's
    connection open while the database is dropped ("being accessed by other users")."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


# A loaded 2-core machine (CI beside other work) can take more than Playwright's 5 s to
# answer a form post: assertions wait as long as actions do, pages opened by hand included.
expect.set_options(timeout=10_000)


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


def login(page, base_url, email, password):
    page.goto(f"{base_url}/comptes/login/")
    field(page, "Adresse e-mail").fill(email)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def field(page, label):
    """Le champ dont le libellé visible est `label` (suivi de « * » s'il est obligatoire)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def remplir_organisation(page):
    """L'objet et les coordonnées d'une organisation extérieure dans le formulaire public de
    demande de salle (la salle et les heures se choisissent à part)."""
    field(page, "Objet").fill("Assemblée générale de la fédération")
    field(page, "Nombre de personnes").fill("10")
    field(page, "Organisation").fill("Fédération des centres sociaux")
    field(page, "Personne de contact").fill("Jeanne Martin")
    field(page, "E-mail").fill("contact@federation.test")
    field(page, "Adresse de facturation").fill("1 place du Marché, 33000 Bordeaux")
