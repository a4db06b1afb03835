"""Parcours dans un vrai navigateur (chromium), par les libellés visibles."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from habitants.models import ChiffresAnnuels, Membre, Structure
from tests.browser.conftest import field, login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visiteur_voit_la_page_publique(page, live_server, structure_a, structure_b):
    import datetime

    Structure.objects.filter(pk=structure_b.pk).update(depart=datetime.date(2015, 8, 31))
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Les habitants du PHARES")).to_be_visible()
    expect(page.get_by_role("heading", name="Insertion sociale et professionnelle")).to_be_visible()
    expect(page.get_by_text("Halage")).to_be_visible()
    expect(page.get_by_text("Mode Estime")).to_have_count(0)
    expect(page.get_by_role("heading", name="Contact")).to_be_visible()
    expect(page.get_by_text("Anne Hurand")).to_be_visible()
    # Le lien d'évitement mène au contenu au clavier.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()


def test_chargee_cree_une_structure_puis_la_personne_invitee_la_rejoint(
    page, live_server, gestion, domaine
):
    login(page, live_server.url, gestion.email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    page.get_by_role("button", name="Habitants").or_(
        page.get_by_role("link", name="Habitants")
    ).first.click()
    page.get_by_role("link", name="Structures").click()
    page.get_by_role("link", name="Ajouter une structure").click()
    field(page, "Nom").fill("Ile Vivante")
    field(page, "SIRET du siège ou de l'établissement").fill("123")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le SIRET compte 14 chiffres.")).to_be_visible()
    assert not Structure.objects.filter(nom="Ile Vivante").exists()

    field(page, "SIRET du siège ou de l'établissement").fill("")
    field(page, "Domaine d'activité").select_option(label=domaine.nom)
    field(page, "Description").fill("Association d'îlodionysien(ne)s.")
    field(page, "Arrivée dans le lieu").fill("2015-09-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Ile Vivante")).to_be_visible()
    structure = Structure.objects.get(nom="Ile Vivante")

    page.get_by_role("link", name="Inviter une personne").click()
    field(page, "Adresse e-mail de la personne").fill("lea@ilevivante.test")
    field(page, "Rôle").select_option(label="Référent·e")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à lea@ilevivante.test")).to_be_visible()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[0].body).group(0)

    page.get_by_role("button", name="Se déconnecter").click()

    # La personne invitée ouvre le lien, choisit son mot de passe…
    page.goto(link)
    field(page, "Prénom").fill("Léa")
    field(page, "Nom").fill("Martin")
    field(page, "Mot de passe").fill("un-long-mot-de-passe-2015")
    field(page, "Confirmation du mot de passe").fill("un-long-mot-de-passe-2015")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Mon espace · Ile Vivante")).to_be_visible()
    assert Membre.objects.get(structure=structure).role == Membre.Role.REFERENT

    # … modifie le profil public …
    page.get_by_role("link", name="Modifier le profil").click()
    field(page, "Site web").fill("ilevivante.test")
    field(page, "Description").fill("Citoyenneté, écologie et solidarité sur l'Île-Saint-Denis.")
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_text("Le profil de la structure est enregistré.")).to_be_visible()
    structure.refresh_from_db()
    assert structure.site_web == "https://ilevivante.test"

    # … et déclare ses chiffres 2015.
    page.get_by_role("link", name="2015", exact=True).click()
    field(page, "Emplois permanents").fill("2")
    field(page, "Salariés en insertion").fill("-1")
    field(page, "Volontaires en service civique").fill("1")
    field(page, "Bénévoles").fill("12")
    page.get_by_role("button", name="Déclarer ces chiffres").click()
    expect(page.get_by_text(re.compile("supérieure ou égale à 0"))).to_be_visible()
    field(page, "Salariés en insertion").fill("0")
    page.get_by_role("button", name="Déclarer ces chiffres").click()
    expect(page.get_by_text("Chiffres 2015 déclarés")).to_be_visible()
    chiffres = ChiffresAnnuels.objects.get(structure=structure, annee=2015)
    assert (chiffres.emplois_permanents, chiffres.benevoles, chiffres.statut) == (2, 12, "declare")


def test_un_membre_simple_ne_peut_pas_inviter(page, live_server, membre_a, structure_a):
    login(page, live_server.url, membre_a.email, PASSWORD)
    page.get_by_role("link", name="Mon espace").first.click()
    expect(page.get_by_role("heading", name="Mon espace · Halage")).to_be_visible()
    expect(page.get_by_role("link", name="Inviter une personne")).to_have_count(0)
    response = page.goto(f"{live_server.url}/mon-espace/halage/inviter/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
