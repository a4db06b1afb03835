"""La grille des plannings dans un vrai navigateur : un·e référent·e réserve en glissant sur
la semaine d'une salle, déplace sa réservation en la glissant, voit un déplacement refusé
dit sur place ; au clavier, « Déplacer », les flèches et Entrée ; sur un téléphone, la
prochaine heure libre en deux touchers."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Reservation
from phares.lib import dates, temps
from tests.browser.conftest import field, login
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu, inserer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def semaine_prochaine() -> datetime.date:
    return temps.monday_of(timezone.localdate()) + datetime.timedelta(days=7)


def libre(page, jour: datetime.date, heure: str):
    """La case libre d'un quart d'heure, par le nom de son lien (en-têtes de sa colonne et de
    sa ligne)."""
    nom = f"Réserver Salle A le {dates.date_courte(jour, jour=True)} à partir de {heure}"
    return page.get_by_role("link", name=nom, exact=True)


class Point:
    """Le milieu du quart d'heure `heure` de la colonne du jour `jour`, pour une case libre
    qui ne porte pas de lien (seule la première d'un temps libre en a un)."""

    def __init__(self, page, jour: datetime.date, heure: str):
        self.colonne = page.locator(f'th[data-date="{jour.isoformat()}"]')
        self.ligne = page.locator(f'tr[data-heure="{heure}"]')

    def bounding_box(self):
        x, y = self.colonne.bounding_box(), self.ligne.bounding_box()
        return {"x": x["x"], "width": x["width"], "y": y["y"], "height": y["height"]}


def bloc(page, texte: str):
    return page.locator("td.prise").filter(has_text=texte)


def glisser(page, depart, arrivee):
    """La souris, d'une case à l'autre ; la page est assez haute pour montrer les deux (une
    souris ne vise pas hors de l'écran)."""
    a, b = depart.bounding_box(), arrivee.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + min(5, a["height"] / 2))
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def test_reserver_puis_deplacer_en_glissant(page, live_server, structure_a, structure_b, membre_a):
    lieu = construire_lieu(structure_a)
    lundi = semaine_prochaine()
    mardi, mercredi, jeudi = (lundi + datetime.timedelta(days=n) for n in (1, 2, 3))
    inserer(
        lieu.salle_a,
        temps.aware(jeudi, datetime.time(9)),
        temps.aware(jeudi, datetime.time(12)),
        structure=structure_b,
        titre="Conseil de B",
    )
    page.set_viewport_size({"width": 1280, "height": 1600})
    login(page, live_server.url, membre_a.email, PASSWORD)
    semaine = f"{live_server.url}/reservations/salles/salle-a/?semaine={lundi.isoformat()}"
    page.goto(semaine)
    grille = page.get_by_role(
        "table", name=f"Planning de Salle A, semaine du {dates.date_courte(lundi, jour=True)}"
    )
    expect(
        grille.get_by_role("columnheader", name=dates.date_courte(mardi, jour=True))
    ).to_be_visible()
    expect(grille.get_by_text("Conseil de B")).to_have_count(0)  # another structure: « occupé »
    expect(bloc(page, "09:00–12:00")).to_contain_text("occupé")

    # A click on a free quarter without a link (not the first of its free time) opens the
    # form at its time, for an hour.
    clic = Point(page, mardi, "15:30").bounding_box()
    page.mouse.click(clic["x"] + clic["width"] / 2, clic["y"] + clic["height"] / 2)
    expect(field(page, "De")).to_have_value("15:30")
    expect(field(page, "À")).to_have_value("16:30")
    page.go_back()

    # Drag from 8:00 to the 9:15 quarter: the form opens with 8:00–9:30.
    glisser(page, libre(page, mardi, "08:00"), Point(page, mardi, "09:15"))
    expect(page.get_by_role("heading", name="Réserver Salle A")).to_be_visible()
    expect(field(page, "De")).to_have_value("08:00")
    expect(field(page, "À")).to_have_value("09:30")
    field(page, "Objet").fill("Atelier vélo")
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.get_by_text("Réservation confirmée : Salle A")).to_be_visible()
    r = Reservation.objects.get(titre="Atelier vélo")

    # Drag the block to Wednesday 14:00: same duration, the page says so.
    page.goto(semaine)
    glisser(page, bloc(page, "Atelier vélo"), Point(page, mercredi, "14:00"))
    deplacee = f"Salle A, {dates.date_courte(mercredi, jour=True)} de 14:00 à 15:30."
    expect(page.get_by_text(f"Réservation déplacée : {deplacee}")).to_be_visible()
    r.refresh_from_db()
    assert (temps.paris(r.debut).time(), temps.jour(r.debut)) == (datetime.time(14), mercredi)

    # Onto B's meeting: refused on the spot, nothing moves.
    glisser(page, bloc(page, "Atelier vélo"), bloc(page, "occupé"))
    refus = page.get_by_role("alert")
    expect(refus).to_contain_text("déjà réservée")
    expect(refus).to_contain_text("La réservation n'a pas bougé.")
    expect(refus.get_by_role("link", name="Modifier la réservation")).to_be_visible()
    r.refresh_from_db()
    assert temps.jour(r.debut) == mercredi
    page.screenshot(path="/tmp/grille-semaine.png", full_page=True)


def test_deplacer_au_clavier(page, live_server, structure_a, membre_a):
    lieu = construire_lieu(structure_a)
    mardi = semaine_prochaine() + datetime.timedelta(days=1)
    r = inserer(
        lieu.salle_a,
        temps.aware(mardi, datetime.time(9)),
        temps.aware(mardi, datetime.time(10)),
        structure=structure_a,
        titre="Comité",
    )
    login(page, live_server.url, membre_a.email, PASSWORD)
    page.goto(f"{live_server.url}/reservations/jour/?date={mardi.isoformat()}")
    bouton = page.get_by_role("button", name="Déplacer « Comité »")
    bouton.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#grille-annonce")).to_contain_text("Nouveau début : Salle A à 09:00")
    for _ in range(6):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#grille-annonce")).to_contain_text("Nouveau début : Salle A à 10:30")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Réservation déplacée : Salle A")).to_be_visible()
    r.refresh_from_db()
    assert temps.paris(r.debut).time() == datetime.time(10, 30)
    page.screenshot(path="/tmp/grille-jour.png", full_page=True)


def test_sur_un_telephone_la_prochaine_heure_libre_en_deux_touchers(
    browser, browser_context_args, live_server, structure_a, membre_a
):
    construire_lieu(structure_a)
    mardi = semaine_prochaine() + datetime.timedelta(days=1)
    contexte = browser.new_context(
        **browser_context_args,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = contexte.new_page()
        login(page, live_server.url, membre_a.email, PASSWORD)
        page.goto(f"{live_server.url}/reservations/jour/?date={mardi.isoformat()}")
        expect(page.get_by_role("table")).to_be_hidden()
        page.get_by_role(
            "link", name="Réserver la prochaine heure libre de Salle A (08:00–09:00)"
        ).tap()
        page.get_by_role("button", name="Confirmer la réservation").tap()
        expect(page.get_by_text("Réservation confirmée : Salle A")).to_be_visible()
        assert Reservation.objects.get().titre == "Réunion"
        page.screenshot(path="/tmp/grille-telephone.png", full_page=True)
    finally:
        contexte.close()
