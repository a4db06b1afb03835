"""Factur-X : le XML CII (profil EN 16931) d'une facture et d'un avoir passe le schéma XSD
et les règles officielles (EN 16931 et françaises BR-FR, avec Saxon) ; le PDF/A-3 le porte
et le rend intact. Des `Document` construits ici : pas de base de données."""

import dataclasses
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import facturx as facturx_lib
import pytest
from lxml import etree
from pypdf import PdfReader
from schwifty import IBAN
from stdnum.fr import siren, siret, tva

from espaces.facturation import facturx
from espaces.facturation.documents import (
    TYPE_AVOIR,
    TYPE_FACTURE,
    Document,
    Ligne,
    Partie,
    TotalTva,
)

D = Decimal
CENT = D("0.01")
EXONERATION = "Exonération de TVA – art. 261 D 2° du CGI"
IBAN_PHARES = "FR7630006000011234567890189"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

SIREN_PHARES = "812345676"
SIREN_ASSO = "523456788"

VENDEUR = Partie(
    nom="SCIC PHARES",
    adresse="1 quai du Halage\nBâtiment A",
    code_postal="93450",
    ville="L'Île-Saint-Denis",
    siren=SIREN_PHARES,
    siret="81234567600017",
    tva="FR19812345676",
    email="facturation@phares.example.org",
    forme="SCIC SARL à capital variable",
    capital="capital variable",
    rcs="RCS Bobigny 812 345 676",
    telephone="01 23 45 67 89",
)
ACHETEUR = Partie(
    nom="Les Ateliers du Fleuve",
    adresse="1 quai du Halage\nBureau B12",
    code_postal="93450",
    ville="L'Île-Saint-Denis",
    siren=SIREN_ASSO,
    siret="52345678800018",
    email="tresorerie@ateliers-du-fleuve.example.org",
)
MARS = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


def test_identifiants_de_test_valides():
    assert siren.is_valid(VENDEUR.siren) and siren.is_valid(ACHETEUR.siren)
    assert siret.is_valid(VENDEUR.siret) and siret.is_valid(ACHETEUR.siret)
    assert tva.is_valid(VENDEUR.tva) and VENDEUR.tva == "FR" + siren.to_tva(SIREN_PHARES)
    assert IBAN(IBAN_PHARES).country_code == "FR"


def _ligne(numero, libelle, quantite, unite, prix, taux="20.00", **extra):
    montant = (D(quantite) * D(prix)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Ligne(numero, libelle, D(quantite), unite, D(prix), montant, D(taux), **extra)


def _document(type_code, numero, date_emission, lignes, **extra) -> Document:
    """Un document aux totaux cohérents : base par (catégorie, taux) = somme des lignes,
    TVA = base × taux arrondie au centime (demi supérieur), TTC = HT + TVA."""
    bases: dict[tuple[str, Decimal, str], Decimal] = {}
    for ligne in lignes:
        cle = (ligne.categorie_tva, ligne.taux_tva, ligne.exoneration)
        bases[cle] = bases.get(cle, D("0.00")) + ligne.montant_ht
    totaux = tuple(
        TotalTva(categorie, taux, base, (base * taux / 100).quantize(CENT, ROUND_HALF_UP), exo)
        for (categorie, taux, exo), base in bases.items()
    )
    total_ht = sum((t.base_ht for t in totaux), D("0.00"))
    total_tva = sum((t.montant_tva for t in totaux), D("0.00"))
    return Document(
        type_code=type_code,
        numero=numero,
        date_emission=date_emission,
        date_echeance=date_emission + datetime.timedelta(days=30),
        periode_debut=MARS[0],
        periode_fin=MARS[1],
        vendeur=VENDEUR,
        acheteur=ACHETEUR,
        lignes=tuple(lignes),
        totaux_tva=totaux,
        total_ht=total_ht,
        total_tva=total_tva,
        total_ttc=total_ht + total_tva,
        iban=IBAN_PHARES,
        bic="AGRIFRPPXXX",
        conditions_paiement="Paiement à 30 jours par virement, référence : le numéro de facture.",
        **extra,
    )


FACTURE = _document(
    TYPE_FACTURE,
    "F2025-0042",
    datetime.date(2025, 4, 1),
    [
        _ligne(
            1,
            "Loyer du bureau B12 – mars 2025",
            "1",
            "MON",
            "288.00",
            periode_debut=MARS[0],
            periode_fin=MARS[1],
        ),
        _ligne(
            2,
            "Loyer de l'atelier A3, au prorata (du 12 au 31 mars)",
            "20",
            "DAY",
            "4.6452",
            periode_debut=datetime.date(2025, 3, 12),
            periode_fin=MARS[1],
        ),
        _ligne(3, "Salle de réunion au-delà des heures du forfait", "3.5", "HUR", "12.00"),
        _ligne(4, "Affranchissement du courrier", "37", "C62", "0.68"),
        _ligne(
            5,
            "Cave de stockage (local nu)",
            "1",
            "MON",
            "60.00",
            taux=D("0"),
            categorie_tva="E",
            exoneration=EXONERATION,
        ),
    ],
    # As espaces.facturation.services writes them, plus a free one.
    mentions=(
        "Pénalités de retard : trois fois le taux d'intérêt légal en vigueur.",
        "Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de retard de "
        "paiement d'un client professionnel : 40 € (art. L441-10 et D441-5 du Code de commerce).",
        "Pas d'escompte pour paiement anticipé.",
        "Occupation régie par la convention du 1er janvier 2025.",
    ),
)
AVOIR = _document(
    TYPE_AVOIR,
    "A2025-0003",
    datetime.date(2025, 4, 10),
    [_ligne(1, "Annulation : salle de réunion du 12 mars (3 h 30)", "3.5", "HUR", "12.00")],
    facture_origine=FACTURE.numero,
    facture_origine_date=FACTURE.date_emission,
)
# The grand total is one cent off: BR-CO-15 (TTC = HT + TVA) must say so.
CASSEE = dataclasses.replace(FACTURE, numero="F2025-0043", total_ttc=FACTURE.total_ttc + CENT)
DOCUMENTS = {"facture": FACTURE, "avoir": AVOIR}


def test_totaux_des_donnees_de_test():
    assert [(t.categorie_tva, t.base_ht, t.montant_tva) for t in FACTURE.totaux_tva] == [
        ("S", D("448.06"), D("89.61")),
        ("E", D("60.00"), D("0.00")),
    ]
    assert FACTURE.total_ttc == D("597.67")
    assert AVOIR.total_ttc == D("50.40")


@pytest.fixture(scope="module")
def rapports():
    """Les règles (EN 16931 et BR-FR) passées une fois sur tous les documents du module :
    une compilation des règles, pas une par document."""
    xmls = {nom: facturx.xml_cii(doc) for nom, doc in {**DOCUMENTS, "cassee": CASSEE}.items()}
    # Without its PMT note (the 40 € indemnity), the invoice breaks a French rule.
    sans_pmt = etree.fromstring(xmls["facture"])
    for note in sans_pmt.iterfind(".//ram:IncludedNote", NS):
        if note.findtext("ram:SubjectCode", namespaces=NS) == "PMT":
            note.getparent().remove(note)
    xmls["sans_pmt"] = etree.tostring(sans_pmt)
    try:
        return facturx.verifier_schematron_lot(xmls)
    except RuntimeError as exc:
        pytest.skip(str(exc))


def _arbre(doc: Document):
    return etree.fromstring(facturx.xml_cii(doc))


@pytest.mark.parametrize("nom", DOCUMENTS)
def test_xsd(nom):
    facturx.verifier_xsd(facturx.xml_cii(DOCUMENTS[nom]))


def test_xsd_refuse_un_xml_incomplet():
    arbre = _arbre(FACTURE)
    entete = arbre.find("rsm:ExchangedDocument", NS)
    entete.remove(entete.find("ram:TypeCode", NS))
    with pytest.raises(ValueError, match="TypeCode"):
        facturx.verifier_xsd(etree.tostring(arbre))


@pytest.mark.parametrize("nom", DOCUMENTS)
def test_regles_en16931_et_br_fr(rapports, nom):
    assert rapports[nom] == []


def test_les_regles_voient_un_total_faux(rapports):
    echecs = rapports["cassee"]
    assert any(e.startswith("BR-CO-15") for e in echecs), echecs


def test_les_regles_francaises_voient_une_mention_manquante(rapports):
    assert [e.split(":")[0] for e in rapports["sans_pmt"]] == ["BR-FR-05_BT-22_PMT"]


def test_verifier_schematron_passe_par_le_lot(monkeypatch):
    vus = {}

    def lot(xmls):
        vus.update(xmls)
        return {cle: ["BR-X: faux"] for cle in xmls}

    monkeypatch.setattr(facturx, "verifier_schematron_lot", lot)
    assert facturx.verifier_schematron(b"<x/>") == ["BR-X: faux"]
    assert list(vus.values()) == [b"<x/>"]


def test_sans_java_une_erreur_claire(monkeypatch):
    monkeypatch.setattr(facturx.shutil, "which", lambda _nom: None)
    with pytest.raises(RuntimeError, match="Java et Saxon"):
        facturx.verifier_schematron(facturx.xml_cii(FACTURE))


def test_contenu_de_la_facture():
    arbre = _arbre(FACTURE)

    def texte(chemin):
        return arbre.xpath(f"string({chemin})", namespaces=NS)

    assert texte("//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert texte("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    vendeur = "//ram:SellerTradeParty"
    assert texte(f"{vendeur}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == (
        SIREN_PHARES
    )
    assert texte(f"{vendeur}/ram:GlobalID[@schemeID='0009']") == VENDEUR.siret
    assert texte(f"{vendeur}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == VENDEUR.tva
    assert texte(f"{vendeur}/ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']") == (
        VENDEUR.email
    )
    assert not arbre.xpath("//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration", namespaces=NS)
    assert texte("//ram:IncludedSupplyChainTradeLineItem[2]//ram:ChargeAmount") == "4.6452"
    assert texte("//ram:IncludedSupplyChainTradeLineItem[4]//ram:ChargeAmount") == "0.68"
    assert (
        arbre.xpath(
            "string(//ram:IncludedSupplyChainTradeLineItem[3]//ram:BilledQuantity/@unitCode)",
            namespaces=NS,
        )
        == "HUR"
    )
    exoneree = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='E']"
    assert texte(f"{exoneree}/ram:ExemptionReason") == EXONERATION
    assert texte(f"{exoneree}/ram:RateApplicablePercent") == "0.00"
    moyen = "//ram:SpecifiedTradeSettlementPaymentMeans"
    assert texte(f"{moyen}/ram:TypeCode") == "58"
    assert texte(f"{moyen}//ram:IBANID") == IBAN_PHARES
    somme = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert texte(f"{somme}/ram:GrandTotalAmount") == "597.67"
    assert texte(f"{somme}/ram:TaxTotalAmount/@currencyID") == "EUR"
    assert texte(f"{somme}/ram:DuePayableAmount") == "597.67"
    notes = {
        n.findtext("ram:SubjectCode", namespaces=NS): n.findtext("ram:Content", namespaces=NS)
        for n in arbre.iterfind(".//ram:IncludedNote", NS)
    }
    assert set(notes) == {None, "PMD", "PMT", "AAB"}
    assert len(arbre.findall(".//ram:IncludedNote", NS)) == 4  # each mention once
    assert notes["PMT"] == FACTURE.mentions[1]  # the document's own text
    assert notes[None] == FACTURE.mentions[3]


def test_avoir_cite_la_facture_et_reste_positif():
    arbre = _arbre(AVOIR)
    codes = arbre.xpath("//ram:IncludedNote/ram:SubjectCode/text()", namespaces=NS)
    assert codes == ["PMD", "PMT", "AAB"]  # no mention given: the document's defaults
    assert arbre.xpath("string(//rsm:ExchangedDocument/ram:TypeCode)", namespaces=NS) == "381"
    reference = arbre.find(".//ram:InvoiceReferencedDocument", NS)
    assert reference.findtext("ram:IssuerAssignedID", namespaces=NS) == "F2025-0042"
    assert reference.xpath("string(.//*[local-name()='DateTimeString'])") == "20250401"
    montants = arbre.xpath("//ram:LineTotalAmount | //ram:GrandTotalAmount", namespaces=NS)
    assert all(not m.text.startswith("-") for m in montants)


def test_avoir_aux_montants_negatifs_donne_le_meme_xml():
    negatif = dataclasses.replace(
        AVOIR,
        lignes=tuple(
            dataclasses.replace(x, quantite=-x.quantite, montant_ht=-x.montant_ht)
            for x in AVOIR.lignes
        ),
        totaux_tva=tuple(
            dataclasses.replace(t, base_ht=-t.base_ht, montant_tva=-t.montant_tva)
            for t in AVOIR.totaux_tva
        ),
        total_ht=-AVOIR.total_ht,
        total_tva=-AVOIR.total_tva,
        total_ttc=-AVOIR.total_ttc,
    )
    assert facturx.xml_cii(negatif) == facturx.xml_cii(AVOIR)


@pytest.mark.parametrize("nom", DOCUMENTS)
def test_pdf_a3_porte_le_xml(nom):
    from weasyprint import HTML

    doc = DOCUMENTS[nom]
    xml = facturx.xml_cii(doc)
    html = HTML(
        string=f"<html lang='fr'><head><title>{doc.numero}</title></head>"
        f"<body><h1>{doc.vendeur.nom}</h1><p>{doc.numero} : {doc.total_ttc} €</p></body></html>"
    )
    pdf = facturx.ecrire_pdf(html, xml, doc=doc)

    nom_fichier, extrait = facturx_lib.get_xml_from_pdf(pdf, check_xsd=False)
    assert (nom_fichier, extrait) == ("factur-x.xml", xml)

    lecteur = PdfReader(io.BytesIO(pdf))
    xmp = lecteur.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    fichiers = lecteur.trailer["/Root"]["/AF"]
    assert [f.get_object()["/AFRelationship"] for f in fichiers] == ["/Data"]
