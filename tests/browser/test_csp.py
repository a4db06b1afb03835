"""La Content-Security-Policy stricte ne refuse rien sur les pages du site : ni style ou
script en ligne, ni erreur dans la console (htmx compris)."""

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collected from the very start of each page, before any script of the page runs.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


@pytest.fixture
def surveillee(page):
    """La page, et la liste des erreurs de console et refus de la CSP qu'elle a produits."""
    erreurs = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on(
        "console", lambda m: erreurs.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: erreurs.append(f"exception: {e}"))
    return page, erreurs


def visiter(page, erreurs, url):
    response = page.goto(url)
    assert response.ok, url
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    page.wait_for_load_state("load")
    # Violation events are queued as tasks: let them arrive before reading.
    violations = page.evaluate(
        "() => new Promise((r) => setTimeout(() => r(window.__violations), 100))"
    )
    erreurs.extend(f"csp: {v}" for v in violations)
    return page


def test_aucune_violation_csp_ni_erreur_de_console(surveillee, live_server, referent_a, gestion):
    page, erreurs = surveillee
    base = live_server.url
    for url in ("/", "/comptes/login/", "/salles/demande/"):
        visiter(page, erreurs, base + url)

    login(page, base, gestion.email, PASSWORD)
    page.get_by_role("heading", name="Bonjour", exact=False).wait_for()
    for url in ("/", "/habitants/", "/reservations/jour/", "/comptes/email/", "/comptes/2fa/"):
        visiter(page, erreurs, base + url)
    # Reauthentication first, on a page of its own.
    visiter(page, erreurs, base + "/comptes/2fa/totp/activate/")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, base, referent_a.email, PASSWORD)
    page.get_by_role("heading", name="Bonjour", exact=False).wait_for()
    for url in ("/", "/mon-espace/halage/", "/comptes/password/change/"):
        visiter(page, erreurs, base + url)

    assert erreurs == []


def test_les_indicateurs_htmx_viennent_de_la_feuille_du_site(page, live_server):
    # includeIndicatorStyles is off: phares.css must hide .htmx-indicator until a request.
    page.goto(live_server.url + "/")
    etats = page.evaluate(
        """() => {
          const e = document.createElement("span");
          e.className = "htmx-indicator";
          document.body.append(e);
          const avant = getComputedStyle(e).visibility + " " + getComputedStyle(e).opacity;
          document.body.classList.add("htmx-request");
          const pendant = getComputedStyle(e).visibility;
          return [avant, pendant, document.querySelectorAll("head style").length];
        }"""
    )
    assert etats == ["hidden 0", "visible", 0]
