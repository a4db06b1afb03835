"""Émettre : numéro légal continu, contenu figé, PDF Factur-X gardé avec son empreinte ;
une émission ratée ne consomme aucun numéro ; une facture émise ne change plus, même en SQL."""

import datetime
import hashlib
from decimal import Decimal

import facturx as fx
import pytest
from django.db import DatabaseError, connection, transaction

from espaces.facturation import facturx, services
from espaces.facturation.models import DocumentPdf, Facture, FactureImmuable, LigneFacture
from phares.models import EntreeJournal
from tests.conftest import acteur
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def brouillons(mars, comptable, cooperative):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    return list(Facture.objects.brouillons().order_by("pk"))


@pytest.fixture
def pdf_factice(monkeypatch):
    """Un PDF sans WeasyPrint, pour les tests qui ne regardent pas son contenu."""
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


def emettre(f, par, le=None):
    return services.emettre(facture=f, par=acteur(par), le=le)


def test_l_emission_numerote_fige_et_garde_le_pdf_factur_x(brouillons, comptable, structure_a):
    halage = next(f for f in brouillons if f.structure == structure_a)

    f = emettre(halage, comptable, le=d(2026, 4, 5))

    assert (f.numero, f.statut, f.date_emission) == ("F2026-0001", "emise", d(2026, 4, 5))
    assert f.date_echeance == d(2026, 5, 5)  # 30 days
    assert f.vendeur["siret"] == "73282932000074" and f.acheteur["nom"] == "Halage"
    pdf = bytes(f.document.contenu)
    assert pdf.startswith(b"%PDF") and f.document.sha256 == hashlib.sha256(pdf).hexdigest()
    _, xml = fx.get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert b"F2026-0001" in xml and b"<ram:GrandTotalAmount>373.16<" in xml
    facturx.verifier_xsd(xml)
    entree = EntreeJournal.objects.get(operation="facture.emettre")
    assert "F2026-0001" in entree.libelle and entree.par == comptable


def test_les_numeros_se_suivent_sans_trou(brouillons, comptable, pdf_factice):
    numeros = [emettre(f, comptable).numero for f in brouillons]
    assert numeros == ["F2026-0001", "F2026-0002", "F2026-0003"]


def test_une_emission_ratee_ne_consomme_aucun_numero(brouillons, comptable, monkeypatch):
    def casse(doc):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(services.rendu, "pdf", casse)
    with pytest.raises(RuntimeError):
        emettre(brouillons[0], comptable)
    brouillons[0].refresh_from_db()
    assert brouillons[0].statut == "brouillon" and brouillons[0].numero is None
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: b"%PDF ok")
    assert emettre(brouillons[1], comptable).numero == "F2026-0001"


def test_emise_deux_fois_depuis_deux_onglets(brouillons, comptable, pdf_factice):
    onglet_1 = Facture.objects.get(pk=brouillons[0].pk)
    onglet_2 = Facture.objects.get(pk=brouillons[0].pk)
    emettre(onglet_1, comptable)
    with pytest.raises(services.FacturationError, match="déjà émise"):
        emettre(onglet_2, comptable)
    assert Facture.objects.emises().count() == 1
    assert DocumentPdf.objects.count() == 1


def test_pas_de_date_future_ni_de_retour_en_arriere(brouillons, comptable, pdf_factice):
    with pytest.raises(services.FacturationError, match="date future"):
        emettre(brouillons[0], comptable, le=d(2026, 4, 15))
    emettre(brouillons[0], comptable, le=d(2026, 4, 10))
    with pytest.raises(services.FacturationError, match="ordre des dates"):
        emettre(brouillons[1], comptable, le=d(2026, 4, 9))
    # The refused issue gave its number back.
    assert emettre(brouillons[1], comptable, le=d(2026, 4, 10)).numero == "F2026-0002"


def test_sans_cooperative_pas_d_emission(mars, comptable, pdf_factice):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    with pytest.raises(services.FacturationError, match="coopérative"):
        emettre(Facture.objects.first(), comptable)
    assert not Facture.objects.emises().exists()


def test_une_facture_emise_ne_change_plus(brouillons, comptable, pdf_factice):
    f = emettre(brouillons[0], comptable)
    f.total_ht = Decimal("1")
    with pytest.raises(FactureImmuable):
        f.save()
    with pytest.raises(FactureImmuable):
        f.delete()
    with pytest.raises(FactureImmuable):
        Facture.objects.filter(pk=f.pk).update(total_ht=0)
    with pytest.raises(FactureImmuable):
        f.document.save()
    with pytest.raises(services.FacturationError, match="déjà émise"):
        services.ajouter_ligne(
            facture=f,
            libelle="x",
            quantite=Decimal(1),
            prix_unitaire_ht=Decimal(1),
            taux_tva=Decimal(20),
            par=acteur(comptable),
        )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE facturation_facture SET total_ttc = 0 WHERE id = %s",
        "UPDATE facturation_lignefacture SET montant_ht = 0 WHERE facture_id = %s",
        "INSERT INTO facturation_lignefacture (facture_id, rang, origine, libelle, quantite, "
        "unite, prix_unitaire_ht, montant_ht, taux_tva, montant_tva, exoneration, code_tarif) "
        "VALUES (%s, 99, 'manuelle', 'x', 1, 'C62', 1, 1, 0, 0, '', '')",
        "UPDATE facturation_documentpdf SET sha256 = 'x' WHERE facture_id = %s",
    ],
)
def test_la_base_refuse_aussi(brouillons, comptable, pdf_factice, sql):
    """Un script SQL ou un shell qui contourne les modèles se heurte aux déclencheurs."""
    f = emettre(brouillons[0], comptable)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, [f.pk])
    f.refresh_from_db()
    assert f.total_ttc > 0 and f.lignes.count() == LigneFacture.objects.filter(facture=f).count()


def test_la_base_refuse_l_effacement_sur_postgresql(brouillons, comptable, pdf_factice):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite : pas de déclencheur DELETE (voir la migration 0002).")
    f = emettre(brouillons[0], comptable)
    for table, col in (
        ("facturation_lignefacture", "facture_id"),
        ("facturation_documentpdf", "facture_id"),
        ("facturation_facture", "id"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(f"DELETE FROM {table} WHERE {col} = %s", [f.pk])
    assert Facture.objects.filter(pk=f.pk, statut="emise").exists()


def test_l_administration_lit_sans_modifier(brouillons, comptable, pdf_factice):
    from django.contrib.auth import get_user_model

    from tests.conftest import client_as

    f = emettre(brouillons[0], comptable)
    root = get_user_model().objects.create_superuser("root@phares.test", "un-mot-de-passe-long")
    c = client_as(root)
    assert c.get("/admin/facturation/facture/").status_code == 200
    assert c.get(f"/admin/facturation/facture/{f.pk}/change/").status_code == 200
    assert c.post(f"/admin/facturation/facture/{f.pk}/delete/", {"post": "yes"}).status_code == 403
    assert c.post(f"/admin/facturation/facture/{f.pk}/change/", {}).status_code == 403
    assert Facture.objects.filter(pk=f.pk, statut="emise").exists()
