"""Accessibilité dans un vrai navigateur : axe-core (WCAG 2.1 A/AA) sur les pages clés de
la démo, clavier (lien d'évitement, menus déroulants, focus visible), sans JavaScript,
téléphone (390 × 844, pas de défilement horizontal) et impression.

`PHARES_CAPTURES=/un/dossier pytest tests/browser/test_accessibilite.py` y enregistre les
captures téléphone et impression, pour les regarder."""

import datetime
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Reservation
from gouvernance.models import Associe, Seance
from phares.lib import temps
from tests.browser.conftest import field, login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "phares2015"
GESTION = "gestion@phares.test"
HABITANT = "referent.halage@phares.test"
COGERANT = "cogerant@phares.test"
TELEPHONE = {"width": 390, "height": 844}
A4 = {"width": 794, "height": 1123}

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOQUANTS = {"serious", "critical"}

# Ce qu'axe ne tranche pas toujours (« à vérifier ») : ids en double, références ARIA
# vers un id absent, champ en erreur sans message relié.
VERIFS_DOM = """() => {
  const problemes = [];
  const vus = new Map();
  for (const e of document.querySelectorAll('[id]')) vus.set(e.id, (vus.get(e.id) || 0) + 1);
  for (const [id, n] of vus) if (n > 1) problemes.push(`id « ${id} » présent ${n} fois`);
  for (const e of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (e.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problemes.push(`${attr}="${id}" sans cible`);
      }
    }
  }
  for (const e of document.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const relie = ids.some(id => document.getElementById(id)?.classList.contains('errorlist')
      || document.getElementById(id)?.classList.contains('invalid-feedback'));
    if (!relie) problemes.push(`#${e.id} en erreur sans message relié (aria-describedby)`);
  }
  return problemes;
}"""


def audit(page, nom: str) -> list[str]:
    """Problèmes bloquants de la page (axe serious/critical + VERIFS_DOM) ; affiche les autres."""
    resultats = AXE.run(page, options=AXE_OPTIONS).response
    bloquants = []
    for v in resultats["violations"]:
        cibles = " ; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
        ligne = f"{nom} : {v['id']} ({v['impact']}) {v['help']} — {cibles}"
        if v["impact"] in BLOQUANTS:
            bloquants.append(ligne)
        else:
            print(ligne)
    bloquants += [f"{nom} : {p}" for p in page.evaluate(VERIFS_DOM)]
    return bloquants


def lundi_prochain() -> datetime.date:
    return temps.monday_of(timezone.localdate()) + datetime.timedelta(days=7)


def capture(page, nom: str) -> None:
    dossier = os.environ.get("PHARES_CAPTURES")
    if dossier:
        Path(dossier).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(dossier) / f"{nom}.png"), full_page=True)


def nouvelle_page(browser, browser_context_args, **options):
    context = browser.new_context(**{**browser_context_args, **options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


def test_axe_sur_les_pages_cles(page, live_server, demo):
    url = live_server.url
    lundi = lundi_prochain()
    semaine = f"/reservations/salles/salle-marne/?semaine={lundi:%Y-%m-%d}"
    reservation = (
        Reservation.objects.filter(structure__slug="halage", debut__gte=timezone.now())
        .order_by("debut")
        .first()
    ) or Reservation.objects.filter(structure__slug="halage").first()
    firme = Associe.objects.get(structure__slug="la-firme-93")
    problemes = []

    # Visiteur : accueil, connexion (avec erreurs), demande publique (avec erreurs).
    for chemin in ("/", "/comptes/login/", "/salles/demande/"):
        page.goto(url + chemin)
        problemes += audit(page, chemin)
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problemes += audit(page, "/salles/demande/ (erreurs)")
    page.goto(url + "/comptes/login/")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problemes += audit(page, "/comptes/login/ (erreurs)")

    # Habitant (référent·e Halage).
    login(page, url, HABITANT, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    for chemin in (
        "/",
        "/mon-espace/halage/",
        "/mon-espace/halage/chiffres/2015/",
        semaine,
        f"/reservations/jour/?date={lundi + datetime.timedelta(days=1):%Y-%m-%d}",
        "/reservations/",
        f"/reservations/{reservation.pk}/",
        "/reservations/velos/",
        "/reservations/calendriers/",
        "/reservations/salles/salle-marne/reserver/",
    ):
        page.goto(url + chemin)
        problemes += audit(page, f"habitant {chemin}")
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problemes += audit(page, "habitant réserver (erreurs)")
    page.get_by_role("button", name="Se déconnecter").click()

    # Équipe (gestion).
    login(page, url, GESTION, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    for chemin in (
        "/",
        "/annuaire/",
        "/habitants/",
        "/habitants/fiche/halage/",
        "/espaces/",
        "/espaces/conventions/",
        "/gouvernance/associes/",
        f"/gouvernance/associes/{firme.pk}/",
        "/gouvernance/capital/",
        "/gouvernance/capital/etat/2015/",
        "/gouvernance/mandats/",
        "/gouvernance/postes/?annee=2015",
        f"/gouvernance/associes/{firme.pk}/liberer/",
    ):
        page.goto(url + chemin)
        problemes += audit(page, f"gestion {chemin}")
    page.goto(url + "/gouvernance/associes/nouveau/")
    page.get_by_label("Entrée (premier jour)").fill("")
    page.get_by_role("button", name="Admettre").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problemes += audit(page, "gestion admettre un associé (erreurs)")
    page.get_by_role("button", name="Se déconnecter").click()

    # Cogérant·e : gouvernance de la SCIC (séances, procès-verbal approuvé, registre).
    login(page, url, COGERANT, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    ag = Seance.objects.get(type=Seance.Type.AGO)
    for chemin in (
        "/",
        "/gouvernance/",
        f"/gouvernance/seances/{ag.pk}/",
        "/gouvernance/seances/nouvelle/",
        "/gouvernance/decisions/",
        "/gouvernance/decisions/2015-01-D01/",
        "/gouvernance/actions/",
        "/gouvernance/colleges/",
    ):
        page.goto(url + chemin)
        problemes += audit(page, f"cogérant {chemin}")

    assert not problemes, "\n".join(problemes)


def focus_visible(page) -> bool:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return s.outlineStyle !== 'none' && s.outlineWidth !== '0px'; }"""
    )


def tab_jusqua(page, locator, essais: int = 30) -> None:
    for _ in range(essais):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{locator} jamais atteint au clavier")


def test_clavier_lien_d_evitement_et_menus(page, live_server, gestion):
    page.goto(live_server.url + "/")
    evitement = page.get_by_role("link", name="Aller au contenu")
    page.keyboard.press("Tab")
    expect(evitement).to_be_focused()
    expect(evitement).to_be_in_viewport()
    assert focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    login(page, live_server.url, gestion.email, PASSWORD)
    habitants = page.get_by_role("button", name="Habitants")
    tab_jusqua(page, habitants)
    assert focus_visible(page)
    page.keyboard.press("Enter")
    expect(habitants).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Structures")).to_be_focused()
    assert focus_visible(page)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Chiffres annuels", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(habitants).to_be_focused()
    expect(habitants).to_have_attribute("aria-expanded", "false")

    batiment = page.get_by_role("button", name="Bâtiment")
    tab_jusqua(page, batiment)
    page.keyboard.press("Enter")
    expect(batiment).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    espaces = page.get_by_role("link", name="Espaces et occupation")
    expect(espaces).to_be_focused()
    assert focus_visible(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Conventions d'occupation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Conventions d'occupation")).to_be_visible()


def test_sans_javascript_menus_et_formulaires(browser, browser_context_args, live_server, gestion):
    page = nouvelle_page(
        browser, browser_context_args, java_script_enabled=False, viewport=TELEPHONE
    )
    url = live_server.url
    login(page, url, gestion.email, PASSWORD)  # formulaire POST
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    # Sur téléphone, le menu replié reste affiché, sans bouton pour l'ouvrir.
    expect(page.get_by_role("button", name="Afficher le menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Réservations", exact=True)).to_be_visible()
    # Un sous-menu s'ouvre quand son bouton reçoit le focus.
    habitants = page.get_by_role("button", name="Habitants")
    tab_jusqua(page, habitants)
    expect(page.get_by_role("link", name="Structures")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Structures")).to_be_focused()

    # Chaque bouton de sous-menu est aussi un lien vers la page principale de la rubrique.
    habitants.click()
    assert page.url == f"{url}/habitants/"
    page.get_by_role("button", name="Bâtiment").click()
    assert page.url == f"{url}/espaces/"

    # Formulaire de filtre (GET) puis déconnexion (POST).
    page.goto(f"{url}/habitants/")
    field(page, "Présence").select_option(index=1)
    page.get_by_role("button", name="Filtrer").click()
    assert "presence=" in page.url
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.context.close()


def test_telephone_et_impression(browser, browser_context_args, live_server, demo):
    url = live_server.url
    semaine = f"/reservations/salles/salle-marne/?semaine={lundi_prochain():%Y-%m-%d}"
    parcours = [
        (GESTION, "batiment", "/espaces/"),
        (GESTION, "semaine", semaine),
        (GESTION, "registre", "/gouvernance/associes/?le=2015-12-31"),
        (GESTION, "etat-du-capital", "/gouvernance/capital/etat/2015/"),
        (HABITANT, "mon-espace", "/mon-espace/halage/"),
        (COGERANT, "seance", "/gouvernance/seances/{ag}/"),
        (COGERANT, "registre", "/gouvernance/decisions/"),
    ]
    ag = Seance.objects.get(type=Seance.Type.AGO).pk
    pages = {}
    problemes = []
    for email, nom, chemin in parcours:
        if email not in pages:
            pages[email] = nouvelle_page(
                browser, browser_context_args, viewport=TELEPHONE, is_mobile=True, has_touch=True
            )
            login(pages[email], url, email, DEMO_PASSWORD)
            expect(pages[email].get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
        page = pages[email]
        page.set_viewport_size(TELEPHONE)
        page.emulate_media(media="screen")
        page.goto(url + chemin.format(ag=ag))

        # Téléphone : rien de plus large que l'écran, les tableaux défilent dans leur cadre.
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= TELEPHONE["width"], f"{nom} : {largeur} px de large sur téléphone"
        problemes += audit(page, f"téléphone {nom}")
        capture(page, f"telephone-{nom}")

        # Impression : ni navigation, ni boutons, ni filtres ; tableaux entiers.
        page.emulate_media(media="print")
        page.set_viewport_size(A4)
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator("main .btn:visible")).to_have_count(0)
        expect(page.locator("main form[method=get]:visible")).to_have_count(0)
        for cadre in page.locator(".table-responsive").all():
            expect(cadre).to_have_css("overflow-x", "visible")
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= A4["width"], f"{nom} : {largeur} px de large à l'impression"
        capture(page, f"impression-{nom}")

    for page in pages.values():
        page.context.close()
    assert not problemes, "\n".join(problemes)
