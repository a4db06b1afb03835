"""Le bureau des organisations extérieures dans un vrai navigateur, par les libellés
visibles : une visiteuse voit les heures libres et occupées de la salle et le prix avant
d'envoyer sa demande ; la gestion la retrouve par la liste des clients extérieurs et propose
un autre créneau avec un e-mail qu'elle a modifié ; l'e-mail part."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.models import Reservation
from phares.lib import dates, temps
from tests.browser.conftest import field, login, remplir_organisation
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu, inserer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"


def mardi_prochain() -> datetime.date:
    return temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)


def test_une_visiteuse_demande_la_gestion_propose_un_autre_creneau(
    page, live_server, structure_a, gestion, mailoutbox
):
    lieu = construire_lieu(structure_a)
    mardi = mardi_prochain()
    mercredi = mardi + datetime.timedelta(days=1)
    inserer(
        lieu.salle_a,
        temps.aware(mardi, datetime.time(10)),
        temps.aware(mardi, datetime.time(11)),
        structure=structure_a,
        titre="Comité secret",
    )

    # The visitor: free and busy hours as soon as the room and the day are chosen.
    page.goto(f"{live_server.url}/salles/demande/")
    dispo = page.get_by_test_id("disponibilites")
    expect(dispo).to_contain_text("Choisissez une salle et un jour")
    field(page, "Salle").select_option(label="Salle A")
    field(page, "Date").fill(mardi.isoformat())
    expect(dispo).to_contain_text(f"Salle A, le {dates.date_courte(mardi, jour=True)}")
    expect(dispo.get_by_role("listitem").filter(has_text="occupé")).to_have_text(
        "occupé de 10:00 à 11:00"
    )
    expect(dispo).not_to_contain_text("Comité")
    expect(dispo).not_to_contain_text("Halage")
    field(page, "De").fill("09:00")
    field(page, "À").fill("12:00")
    expect(dispo).to_contain_text("Ce créneau est occupé : choisissez des heures libres.")
    field(page, "De").fill("13:00")
    field(page, "À").fill("16:00")
    expect(dispo).to_contain_text(
        f"Prix estimé : 90,00{NBSP}€ HT (108,00{NBSP}€ TTC) pour 3 h, au tarif des "
        "organisations extérieures"
    )
    problemes = audit(page, "demande publique (disponibilités et prix)")
    remplir_organisation(page)
    field(page, "Message à l'équipe").fill("Nous aurons besoin du vidéoprojecteur.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()
    demande = Reservation.objects.get(statut=Reservation.Statut.EN_ATTENTE)
    assert demande.debut == temps.aware(mardi, datetime.time(13))

    # The staff: from the list of outside clients to the request, then another slot.
    login(page, live_server.url, gestion.email, PASSWORD)
    page.goto(f"{live_server.url}/espaces/clients/")
    field(page, "Nom, contact ou e-mail").fill("fédération")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Fédération des centres sociaux").click()
    expect(
        page.get_by_role("heading", name="Fédération des centres sociaux", exact=True)
    ).to_be_visible()
    problemes += audit(page, "fiche du client extérieur")
    page.get_by_role("link", name="Assemblée générale de la fédération").click()
    expect(page.get_by_text("Nous aurons besoin du vidéoprojecteur.")).to_be_visible()
    page.get_by_text("Proposer un autre créneau", exact=True).click()
    problemes += audit(page, "fiche de la demande (réponses)")
    field(page, "Date").fill(mercredi.isoformat())
    field(page, "De").fill("09:00")
    field(page, "À").fill("12:00")
    courriel = field(page, "E-mail de la proposition")
    expect(courriel).to_have_value(re.compile(r"^Bonjour Jeanne Martin,"))
    courriel.fill(
        "Bonjour Jeanne,\n\nMardi après-midi est pris par une formation : le "
        "[créneau proposé] vous irait-il ? Le vidéoprojecteur sera prêt.\n\nAnne"
    )
    page.get_by_role("button", name="Proposer ce créneau et envoyer l'e-mail").click()

    jour = dates.date_courte(mercredi, jour=True)
    expect(page.get_by_role("status")).to_contain_text(
        f"Autre créneau proposé : Salle A, {jour} de 09:00 à 12:00"
    )
    expect(page.get_by_text(f"{jour}, de 09:00 à 12:00 (3 h)")).to_be_visible()
    demande.refresh_from_db()
    assert (demande.statut, demande.debut) == (
        Reservation.Statut.EN_ATTENTE,
        temps.aware(mercredi, datetime.time(9)),
    )
    proposition = [m for m in mailoutbox if m.subject.startswith("[PHARES] Autre créneau")]
    assert len(proposition) == 1
    assert proposition[0].to == ["contact@federation.test"]
    assert proposition[0].body == (
        f"Bonjour Jeanne,\n\nMardi après-midi est pris par une formation : le {jour} de "
        "09:00 à 12:00 vous irait-il ? Le vidéoprojecteur sera prêt.\n\nAnne\n"
    )
    assert not problemes, "\n".join(problemes)
