"""La facturation dans un vrai navigateur, par les libellés visibles : la comptabilité
prépare le mois dernier, revoit le brouillon de Halage (une ligne ajoutée), l'émet, enregistre
un paiement partiel ; la référente de Halage voit ce qu'elle doit et télécharge le PDF."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.facturation.models import Cooperative, Facture
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facturer_le_mois_puis_telecharger(page, live_server, comptable, referent_a, structure_a):
    construire_lieu(structure_a)  # Halage holds office 101 since 2015
    premier = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    Cooperative.objects.create(
        raison_sociale="SCIC PHARES",
        adresse="6 rue Arnold Géraux",
        code_postal="93450",
        ville="L'Île-Saint-Denis",
        siren="732829320",
        siret="73282932000074",
        rcs="RCS Bobigny 732 829 320",
        email="compta@phares.test",
        iban="FR7630006000011234567890189",
    )

    login(page, live_server.url, comptable.email, PASSWORD)
    page.get_by_role("link", name="Factures").click()
    expect(page.get_by_role("heading", name="Factures", exact=True)).to_be_visible()
    assert not (problemes := audit(page, "factures (équipe)")), problemes
    field(page, "Mois à facturer").fill(f"{premier:%Y-%m}")
    page.get_by_role("button", name="Préparer les brouillons").click()
    expect(page.get_by_text(re.compile(r"brouillon\(s\)"))).to_be_visible()

    page.get_by_role("link", name="Brouillon de Halage", exact=True).click()
    expect(page.get_by_role("heading", name="Brouillon de facture")).to_be_visible()
    assert not (problemes := audit(page, "brouillon")), problemes
    field(page, "Désignation").fill("Part de l'emploi mutualisé")
    field(page, "Quantité").fill("-1")
    field(page, "Prix unitaire HT (€)").fill("150")
    page.get_by_role("button", name="Ajouter la ligne").click()
    expect(page.get_by_text("La quantité est positive.")).to_be_visible()
    field(page, "Quantité").fill("1")
    page.get_by_role("button", name="Ajouter la ligne").click()
    expect(page.get_by_text("Ligne ajoutée.")).to_be_visible()
    expect(page.get_by_role("cell", name="Part de l'emploi mutualisé", exact=True)).to_be_visible()

    page.get_by_role("button", name="Émettre la facture").click()
    numero = f"F{timezone.localdate().year}-0001"
    expect(page.get_by_role("heading", name=f"Facture {numero}")).to_be_visible()
    assert Facture.objects.get(numero=numero).document.taille > 10_000

    # Halage pays part of it by transfer; too much is refused in the form.
    page.get_by_role("link", name="Enregistrer un paiement").click()
    expect(page.get_by_role("heading", name="Paiement de Halage")).to_be_visible()
    assert not (problemes := audit(page, "paiement")), problemes
    field(page, "Montant reçu (€)").fill("100 000,00")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text(re.compile("dépasse le reste dû"))).to_be_visible()
    field(page, "Montant reçu (€)").fill("100,00")
    field(page, "Référence").fill("VIR HALAGE")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("Paiement de 100,00 € enregistré.")).to_be_visible()
    page.get_by_role("link", name=numero).click()
    expect(page.get_by_text("Partiellement payée")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, live_server.url, referent_a.email, PASSWORD)
    page.get_by_role("link", name="Factures").click()
    expect(page.get_by_role("link", name=f"Facture {numero}")).to_be_visible()
    expect(page.get_by_text(re.compile("À régler"))).to_be_visible()
    assert not (problemes := audit(page, "factures (référente)")), problemes
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=f"PDF de {numero}").click()
    assert telechargement.value.suggested_filename == f"{numero}.pdf"
