"""La facturation dans un vrai navigateur, par les libellés visibles : la comptabilité
prépare le mois dernier, revoit le brouillon de Halage (une ligne ajoutée), émet le mois en
tâche de fond et suit son avancement, enregistre un paiement partiel ; la référente de Halage
voit ce qu'elle doit et télécharge le PDF. La page d'avancement se met à jour seule (htmx)
tant que le lot tourne."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces.facturation.models import Cooperative, Facture, Lot
from phares.lib import dates
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facturer_le_mois_puis_telecharger(page, live_server, comptable, referent_a, structure_a):
    construire_lieu(structure_a)  # Halage holds office 101 since 2015
    premier = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    mois = dates.mois_annee(premier)
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
    # The menu's link: the dashboard has invoice links of its own ("Factures dues"…).
    page.get_by_role("link", name="Factures", exact=True).click()
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

    # The month's drafts are issued by a background task (run at once in tests); its page
    # says how far it got, and leads to the month's invoices.
    page.get_by_role("link", name="← Factures").click()
    page.get_by_role("button", name=f"Émettre tous les brouillons de {mois}").click()
    expect(page.get_by_role("heading", name=f"Émission des brouillons de {mois}")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Terminé : 1 / 1 émise.")
    expect(page.get_by_label("Brouillons traités")).to_have_attribute("value", "1")
    assert not (problemes := audit(page, "avancement de l'émission")), problemes
    page.get_by_role("link", name=f"Voir les factures de {mois}").click()
    numero = f"F{timezone.localdate().year}-0001"
    page.get_by_role("link", name=f"Facture {numero}").click()
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
    page.get_by_role("link", name="Factures", exact=True).click()
    expect(page.get_by_role("link", name=f"Facture {numero}")).to_be_visible()
    expect(page.get_by_text(re.compile("À régler"))).to_be_visible()
    assert not (problemes := audit(page, "factures (référente)")), problemes
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=f"PDF de {numero}").click()
    assert telechargement.value.suggested_filename == f"{numero}.pdf"


def test_l_avancement_se_met_a_jour_sans_recharger(page, live_server, comptable):
    mois = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    lot = Lot.objects.create(
        nature=Lot.Nature.EMISSION,
        mois=mois,
        statut=Lot.Statut.EN_COURS,
        total=3,
        faites=1,
        maj_le=timezone.now(),
    )
    erreurs_console = []
    page.on("console", lambda m: m.type == "error" and erreurs_console.append(m.text))
    login(page, live_server.url, comptable.email, PASSWORD)
    page.goto(f"{live_server.url}/factures/lots/{lot.pk}/")
    statut = page.get_by_role("status")
    expect(statut).to_contain_text("En cours : 1 / 3 émise.")
    assert not (problemes := audit(page, "émission en cours")), problemes

    # The worker moves on: the page follows within a poll (every 2 s), without a reload.
    Lot.objects.filter(pk=lot.pk).update(
        statut=Lot.Statut.TERMINE, faites=2, erreurs=["Halage : pas d'adresse."]
    )
    expect(statut).to_contain_text("Terminé : 2 / 3 émises, 1 refus.")
    expect(page.get_by_text("Halage : pas d'adresse.")).to_be_visible()
    relancer = f"Relancer l'émission de {dates.mois_annee(mois)}"
    expect(page.get_by_role("button", name=relancer)).to_be_visible()
    # Finished: htmx stopped asking (286), and nothing was refused by the CSP.
    interrogations = []
    page.on("request", lambda r: "/factures/lots/" in r.url and interrogations.append(r.url))
    page.wait_for_timeout(4_500)
    assert interrogations == []
    assert erreurs_console == []
