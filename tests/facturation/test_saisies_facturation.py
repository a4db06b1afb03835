"""Ce qu'une saisie malheureuse ou hostile ne doit pas faire à la facturation : un total
trop grand pour la base, un caractère de contrôle dans un nom, un taux de TVA qui n'existe
pas, un client sans adresse électronique, une date antérieure à la période, un délai de
paiement illégal, des mentions légales déformées dans le PDF."""

import datetime
import io
from decimal import Decimal

import facturx as fx
import pytest
from pypdf import PdfReader

from espaces.facturation import facturx, services
from espaces.facturation.models import Facture, LigneFacture
from espaces.models import ClientExterne, Convention
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS
from tests.facturation.test_vues_facturation import DONNEES_COOP

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


@pytest.fixture
def brouillons(mars, comptable, cooperative):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    return {f.client_nom: f for f in Facture.objects.brouillons()}


def test_un_total_trop_grand_pour_la_base_est_refuse(brouillons, comptable):
    f = brouillons["Halage"]
    avant = list(f.lignes.values_list("pk", flat=True))
    c = client_as(comptable)
    for quantite in ("999999999.999", "999999999"):  # the second fits alone, not with the rest
        r = c.post(
            f"/factures/{f.pk}/lignes/",
            {"libelle": "Gros", "quantite": quantite, "prix_unitaire_ht": "10", "taux_tva": "20"},
        )
        assert r.status_code == 400
        assert "dépasserait" in r.text or "chiffres" in r.text
    assert list(f.lignes.values_list("pk", flat=True)) == avant
    assert c.get("/factures/").status_code == 200
    assert c.get(f"/factures/{f.pk}/").status_code == 200


def test_un_caractere_de_controle_ne_bloque_pas_l_emission(brouillons, comptable):
    externe = ClientExterne.objects.get()
    ClientExterne.objects.filter(pk=externe.pk).update(nom="Fédé\x0bration\x01")
    f = services.emettre(
        facture=brouillons["Fédération des centres sociaux"], par=acteur(comptable)
    )
    _, xml = fx.get_facturx_xml_from_pdf(bytes(f.document.contenu), check_xsd=True)
    assert "Fédé ration ".encode() in xml
    facturx.verifier_xsd(xml)


def test_une_erreur_technique_n_arrete_pas_le_mois(brouillons, comptable, monkeypatch):
    def rendre(doc):
        if doc.acheteur.nom == "Halage":
            raise RuntimeError("rendu impossible")
        return b"%PDF ok"

    monkeypatch.setattr(services.rendu, "pdf", rendre)
    emises, erreurs = services.emettre_brouillons(mois=MARS, par=acteur(comptable))
    assert len(emises) == 2
    assert erreurs == ["Halage : émission impossible (erreur technique, consignée)."]
    assert Facture.objects.brouillons().get().client_nom == "Halage"


def test_un_taux_de_tva_qui_n_existe_pas_en_france(brouillons, comptable, structure_a, pdf_factice):
    r = client_as(comptable).post(
        f"/factures/{brouillons['Halage'].pk}/lignes/",
        {"libelle": "x", "quantite": "1", "prix_unitaire_ht": "10", "taux_tva": "12"},
    )
    assert r.status_code == 400
    # A source typed at 12 % (an agreement): the issue is refused, nothing numbered.
    Convention.objects.filter(structure=structure_a).update(taux_tva=Decimal("12"))
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    halage = Facture.objects.brouillons().get(structure=structure_a)
    with pytest.raises(services.FacturationError, match="12 % n'existe pas en France"):
        services.emettre(facture=halage, par=acteur(comptable))
    assert not Facture.objects.emises().exists()


def test_un_client_sans_siren_ni_e_mail(brouillons, comptable, structure_a, pdf_factice):
    type(structure_a).objects.filter(pk=structure_a.pk).update(
        email_contact="", email_facturation="", siren="", siret=""
    )
    with pytest.raises(services.FacturationError, match="ni SIREN ni e-mail"):
        services.emettre(facture=brouillons["Halage"], par=acteur(comptable))
    assert not Facture.objects.emises().exists()


def test_pas_d_emission_avant_la_periode_facturee(brouillons, comptable, pdf_factice):
    for le in (d(2026, 2, 28), d(1900, 1, 1)):
        with pytest.raises(services.FacturationError, match="avant la période"):
            services.emettre(facture=brouillons["Halage"], par=acteur(comptable), le=le)
    assert (
        services.emettre(facture=brouillons["Halage"], par=acteur(comptable), le=MARS).numero
        == "F2026-0001"
    )


def test_une_ligne_a_zero_n_est_pas_une_ligne(brouillons, comptable):
    with pytest.raises(services.FacturationError, match="0,00 €"):
        services.ajouter_ligne(
            facture=brouillons["Halage"],
            libelle="Rien",
            quantite=Decimal("0.001"),
            prix_unitaire_ht=Decimal("0.0001"),
            taux_tva=Decimal("20"),
            par=acteur(comptable),
        )
    assert not LigneFacture.objects.filter(libelle="Rien").exists()


def test_le_delai_de_paiement_est_borne_par_la_loi(gestion):
    r = client_as(gestion).post(
        "/factures/cooperative/", {**DONNEES_COOP, "delai_paiement_jours": "32767"}
    )
    assert r.status_code == 400
    assert "60 jours au plus" in r.text


def test_les_mentions_legales_du_pied_de_page_ne_sont_pas_echappees(
    brouillons, comptable, cooperative
):
    type(cooperative).objects.filter(pk=cooperative.pk).update(
        raison_sociale="Dupont & Fils", forme="Société coopérative d'intérêt collectif"
    )
    f = services.emettre(facture=brouillons["Halage"], par=acteur(comptable))
    texte = PdfReader(io.BytesIO(bytes(f.document.contenu))).pages[0].extract_text()
    assert "Dupont & Fils — Société coopérative d'intérêt collectif" in texte
    assert "&amp;" not in texte and "&#x27;" not in texte
