"""La facture en XML Factur-X (profil EN 16931, syntaxe CII) et le PDF/A-3 qui la porte ;
les contrôles officiels, hors ligne : le schéma XSD, les règles métier EN 16931 et les règles
françaises BR-FR (la réforme de la facturation électronique).

Tout part du `Document` figé (`documents.py`) : rien ici ne lit la base. Un avoir porte des
montants positifs : s'il arrive avec des montants négatifs, le XML en retourne les signes.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import facturx
from lxml import etree

from .documents import Document, Ligne, Partie, TotalTva

if TYPE_CHECKING:
    import datetime

    import weasyprint

# The XML is built by hand with lxml rather than with `facturx.generate_xml`: the CII tree of
# an EN 16931 invoice is small and fixed, our `Document` maps onto it one field to one
# element, and writing it out keeps the element order (the XSD is strict about it), the notes'
# subject codes and the number formats (BR-FR-DEC) in plain sight. `generate_xml` takes a
# large dictionary keyed by BT ids that would be one more mapping to keep in step.

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
PROFIL_EN16931 = "urn:cen.eu:en16931:2017"  # BT-24
# BT-23, required by BR-FR-08: "S1" = invoice for services, sent to the platform. The
# cooperative only sells services (rent, rooms, postage handling); "S2" (already paid)
# would bind the document to BR-FR-CO-09, which a monthly invoice does not meet.
CADRE_FACTURATION = "S1"
NOM_FICHIER_XML = "factur-x.xml"

REGLES_DIR = resources.files("facturx") / "xsd_and_schematron"
REGLES_EN16931 = REGLES_DIR / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
REGLES_BR_FR = REGLES_DIR / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt"
SAXON_JAR = Path("/usr/share/java/Saxon-HE.jar")
SAXON_DELAI = 120  # seconds, per run
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")

SVRL = "http://purl.oclc.org/dsdl/svrl"
CENT = Decimal("0.01")


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


# Characters XML 1.0 cannot carry (C0 controls but tab and line breaks, U+FFFE/U+FFFF,
# lone surrogates). Forms let them through (a vertical tab pasted from a word processor in
# an organisation's name): they become a space here, where the XML is written, whatever
# path brought them in, instead of failing the issue of an invoice.
HORS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def texte_xml(texte: str) -> str:
    return HORS_XML.sub(" ", texte)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), {k: texte_xml(v) for k, v in attrs.items() if v})
    if text is not None:
        element.text = texte_xml(text)
    return element


def _montant(valeur: Decimal) -> str:
    """Un montant, au centime : « 288.00 »."""
    return format(valeur.quantize(CENT, rounding=ROUND_HALF_UP) + 0, "f")  # + 0: no "-0.00"


def _prix(valeur: Decimal) -> str:
    """Un prix unitaire : 2 décimales au moins, 4 au plus (« 0.68 », « 4.6452 »)."""
    texte = format(valeur.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f")
    entier, decimales = texte.split(".")
    return f"{entier}.{decimales.rstrip('0').ljust(2, '0')}"


def _quantite(valeur: Decimal) -> str:
    """Une quantité telle que donnée, sans notation exponentielle."""
    return format(valeur, "f")


def _taux(valeur: Decimal) -> str:
    """Un taux de TVA en pourcentage : « 20.00 », « 0.00 » (liste BR-FR-16)."""
    return format(valeur.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def _date(parent: etree._Element, tag: str, jour: datetime.date, *, qdt: bool = False):
    conteneur = _el(parent, tag)
    prefixe = "qdt" if qdt else "udt"
    _el(conteneur, f"{prefixe}:DateTimeString", jour.strftime("%Y%m%d"), format="102")


def _periode(parent: etree._Element, debut, fin) -> None:
    if debut is None and fin is None:
        return
    periode = _el(parent, "ram:BillingSpecifiedPeriod")
    if debut is not None:
        _date(periode, "ram:StartDateTime", debut)
    if fin is not None:
        _date(periode, "ram:EndDateTime", fin)


# The subject code (UNTDID 4451) of the legal mentions BR-FR-05 requires, recognised in
# `Document.mentions` by a word of their text.
CODES_MENTIONS = (
    ("AAB", ("escompte",)),  # discount, or none
    ("PMT", ("recouvrement", "40 €")),  # the 40 € recovery indemnity
    ("PMD", ("pénalit",)),  # late payment penalties
)


def _code_mention(texte: str) -> str:
    minuscules = texte.lower()
    return next((code for code, mots in CODES_MENTIONS if any(m in minuscules for m in mots)), "")


def _notes(doc: Document) -> list[tuple[str, str]]:
    """Les notes d'en-tête (BG-1), (code sujet, texte) : les mentions du document dans leur
    ordre, celles qu'exige la loi (BR-FR-05) avec leur code, chaque code une fois
    (BR-FR-06) ; un code qu'aucune mention ne porte vient du champ `note_…` du document."""
    notes, codes = [], set()
    for mention in doc.mentions:
        if texte := mention.strip():
            code = _code_mention(texte)
            code = "" if code in codes else code
            codes.add(code)
            notes.append((code, texte))
    defauts = (
        ("PMD", doc.note_penalites),
        ("PMT", doc.note_indemnite),
        ("AAB", doc.note_escompte),
    )
    return notes + [(code, texte) for code, texte in defauts if code not in codes]


def _adresse(noeud: etree._Element, partie: Partie) -> None:
    adresse = _el(noeud, "ram:PostalTradeAddress")
    if partie.code_postal:
        _el(adresse, "ram:PostcodeCode", partie.code_postal)
    lignes = [x.strip() for x in partie.adresse.splitlines() if x.strip()]
    # CII has three address lines: the third one takes whatever is left.
    for balise, texte in zip(
        ("ram:LineOne", "ram:LineTwo", "ram:LineThree"),
        [*lignes[:2], ", ".join(lignes[2:])],
        strict=False,
    ):
        if texte:
            _el(adresse, balise, texte)
    if partie.ville:
        _el(adresse, "ram:CityName", partie.ville)
    _el(adresse, "ram:CountryID", partie.pays or "FR")


def _contact(noeud: etree._Element, partie: Partie) -> None:
    if not (partie.telephone or partie.email):
        return
    contact = _el(noeud, "ram:DefinedTradeContact")
    if partie.telephone:
        tel = _el(contact, "ram:TelephoneUniversalCommunication")
        _el(tel, "ram:CompleteNumber", partie.telephone)
    if partie.email:
        courriel = _el(contact, "ram:EmailURIUniversalCommunication")
        _el(courriel, "ram:URIID", partie.email)


def _partie(parent: etree._Element, tag: str, partie: Partie, *, vendeur: bool) -> None:
    noeud = _el(parent, tag)
    if partie.siret:  # BT-29 / BT-46, scheme 0009 = SIRET
        _el(noeud, "ram:GlobalID", partie.siret, schemeID="0009")
    _el(noeud, "ram:Name", partie.nom)
    legal = ", ".join(x for x in (partie.forme, partie.capital, partie.rcs) if x)
    if vendeur and legal:  # BT-33, the seller's legal form, capital and registration
        _el(noeud, "ram:Description", legal)
    if partie.siren:  # BT-30 / BT-47, scheme 0002 = SIREN
        organisation = _el(noeud, "ram:SpecifiedLegalOrganization")
        _el(organisation, "ram:ID", partie.siren, schemeID="0002")
    if vendeur:
        _contact(noeud, partie)
    _adresse(noeud, partie)
    # BT-34 / BT-49 (required by BR-FR-12/13): the e-mail address, else the SIREN as an
    # address of the French directory (scheme 0225).
    if partie.email or partie.siren:
        uri = _el(noeud, "ram:URIUniversalCommunication")
        if partie.email:
            _el(uri, "ram:URIID", partie.email, schemeID="EM")
        else:
            _el(uri, "ram:URIID", partie.siren, schemeID="0225")
    if partie.tva:  # BT-31 / BT-48
        registration = _el(noeud, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", partie.tva, schemeID="VA")


def _ligne(transaction: etree._Element, ligne: Ligne, signe: int) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(ligne.numero))
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", ligne.libelle)
    # The price is positive (BR-FR-DEC-03, BR-27): a negative price moves its sign onto the
    # quantity, so that quantity × price still gives the line amount.
    quantite = ligne.quantite * signe * (-1 if ligne.prix_unitaire_ht < 0 else 1)
    accord = _el(item, "ram:SpecifiedLineTradeAgreement")
    prix = _el(accord, "ram:NetPriceProductTradePrice")
    _el(prix, "ram:ChargeAmount", _prix(abs(ligne.prix_unitaire_ht)))
    livraison = _el(item, "ram:SpecifiedLineTradeDelivery")
    _el(livraison, "ram:BilledQuantity", _quantite(quantite), unitCode=ligne.unite)
    reglement = _el(item, "ram:SpecifiedLineTradeSettlement")
    taxe = _el(reglement, "ram:ApplicableTradeTax")
    _el(taxe, "ram:TypeCode", "VAT")
    _el(taxe, "ram:CategoryCode", ligne.categorie_tva)
    _el(taxe, "ram:RateApplicablePercent", _taux(ligne.taux_tva))
    _periode(reglement, ligne.periode_debut, ligne.periode_fin)
    somme = _el(reglement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _el(somme, "ram:LineTotalAmount", _montant(ligne.montant_ht * signe))


def _exoneration(doc: Document, total: TotalTva) -> str:
    """La base légale de l'exonération d'une ligne du récapitulatif (BT-120, exigée par
    BR-E-10) : la sienne, sinon celle de ses lignes."""
    if total.exoneration or total.categorie_tva == "S":
        return total.exoneration
    return next(
        (
            x.exoneration
            for x in doc.lignes
            if x.exoneration
            and (x.categorie_tva, x.taux_tva) == (total.categorie_tva, total.taux_tva)
        ),
        "",
    )


def _reglement(transaction: etree._Element, doc: Document, signe: int) -> None:
    reglement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    if doc.numero:  # BT-83, the transfer's reference
        _el(reglement, "ram:PaymentReference", doc.numero)
    _el(reglement, "ram:InvoiceCurrencyCode", doc.devise)
    moyen = _el(reglement, "ram:SpecifiedTradeSettlementPaymentMeans")
    if doc.iban:
        # 58 = SEPA credit transfer; BR-61 then wants the account (BT-84).
        _el(moyen, "ram:TypeCode", "58")
        compte = _el(moyen, "ram:PayeePartyCreditorFinancialAccount")
        _el(compte, "ram:IBANID", doc.iban.replace(" ", ""))
        if doc.bic:
            banque = _el(moyen, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _el(banque, "ram:BICID", doc.bic)
    else:
        # 1 = instrument not defined: 30 (credit transfer) would require an account (BR-61).
        _el(moyen, "ram:TypeCode", "1")
    for total in doc.totaux_tva:
        taxe = _el(reglement, "ram:ApplicableTradeTax")
        _el(taxe, "ram:CalculatedAmount", _montant(total.montant_tva * signe))
        _el(taxe, "ram:TypeCode", "VAT")
        if exoneration := _exoneration(doc, total):  # BT-120
            _el(taxe, "ram:ExemptionReason", exoneration)
        _el(taxe, "ram:BasisAmount", _montant(total.base_ht * signe))
        _el(taxe, "ram:CategoryCode", total.categorie_tva)
        _el(taxe, "ram:RateApplicablePercent", _taux(total.taux_tva))
    _periode(reglement, doc.periode_debut, doc.periode_fin)
    termes = _el(reglement, "ram:SpecifiedTradePaymentTerms")
    if doc.conditions_paiement:  # BT-20
        _el(termes, "ram:Description", doc.conditions_paiement)
    _date(termes, "ram:DueDateDateTime", doc.date_echeance)  # BT-9
    somme = _el(reglement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    somme_lignes = sum((x.montant_ht for x in doc.lignes), Decimal("0.00"))
    _el(somme, "ram:LineTotalAmount", _montant(somme_lignes * signe))  # BT-106
    _el(somme, "ram:TaxBasisTotalAmount", _montant(doc.total_ht * signe))
    _el(somme, "ram:TaxTotalAmount", _montant(doc.total_tva * signe), currencyID=doc.devise)
    _el(somme, "ram:GrandTotalAmount", _montant(doc.total_ttc * signe))
    _el(somme, "ram:TotalPrepaidAmount", _montant(doc.deja_paye * signe))
    _el(somme, "ram:DuePayableAmount", _montant(doc.net_a_payer * signe))
    if doc.facture_origine:  # BG-3: BT-25 and its date BT-26 (BR-FR-CO-05)
        reference = _el(reglement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", doc.facture_origine)
        if doc.facture_origine_date is not None:
            _date(reference, "ram:FormattedIssueDateTime", doc.facture_origine_date, qdt=True)


def xml_cii(doc: Document) -> bytes:
    """Le XML Factur-X (CrossIndustryInvoice, profil EN 16931) de la facture ou de l'avoir,
    en UTF-8, prêt à joindre au PDF sous le nom « factur-x.xml »."""
    # A credit note carries positive amounts (its type code says it is a credit).
    signe = -1 if doc.est_avoir and doc.total_ttc < 0 else 1
    racine = etree.Element(_q("rsm:CrossIndustryInvoice"), nsmap=NS)

    contexte = _el(racine, "rsm:ExchangedDocumentContext")
    cadre = _el(contexte, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _el(cadre, "ram:ID", CADRE_FACTURATION)  # BT-23
    profil = _el(contexte, "ram:GuidelineSpecifiedDocumentContextParameter")
    _el(profil, "ram:ID", PROFIL_EN16931)  # BT-24

    entete = _el(racine, "rsm:ExchangedDocument")
    _el(entete, "ram:ID", doc.numero)
    _el(entete, "ram:TypeCode", doc.type_code)
    _date(entete, "ram:IssueDateTime", doc.date_emission)
    for code, texte in _notes(doc):
        note = _el(entete, "ram:IncludedNote")
        _el(note, "ram:Content", texte)
        if code:
            _el(note, "ram:SubjectCode", code)

    transaction = _el(racine, "rsm:SupplyChainTradeTransaction")
    for ligne in doc.lignes:
        _ligne(transaction, ligne, signe)
    accord = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.reference_acheteur:  # BT-10
        _el(accord, "ram:BuyerReference", doc.reference_acheteur)
    _partie(accord, "ram:SellerTradeParty", doc.vendeur, vendeur=True)
    _partie(accord, "ram:BuyerTradeParty", doc.acheteur, vendeur=False)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _reglement(transaction, doc, signe)

    return etree.tostring(racine, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xmp_facturx() -> bytes:
    """Le fragment XMP propre à Factur-X (schéma d'extension PDF/A et propriétés fx:), pris
    dans le paquet que génère la bibliothèque factur-x ; WeasyPrint écrit lui-même pdfaid,
    le titre, le producteur et les dates, qu'on ne répète pas."""
    paquet = facturx.generate_xmp_bytes("factur-x", "en16931", None, {})
    rdf_ns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    garder = {
        "http://www.aiim.org/pdfa/ns/extension/",
        "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    }
    xmpmeta = etree.fromstring(paquet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    rdf = xmpmeta.find(f"{{{rdf_ns}}}RDF")
    for description in list(rdf):
        if not any(etree.QName(enfant).namespace in garder for enfant in description):
            rdf.remove(description)
        else:
            description.set(f"{{{rdf_ns}}}about", "")
    rdf = copy.deepcopy(rdf)  # a root of its own, so that unused namespaces can go
    etree.cleanup_namespaces(rdf)
    return etree.tostring(rdf, encoding="UTF-8")


def ecrire_pdf(html: weasyprint.HTML, xml: bytes, *, doc: Document, **options) -> bytes:
    """Le PDF/A-3b de la facture : le rendu de `html`, le XML joint sous « factur-x.xml »
    (relation « Data ») et les métadonnées XMP Factur-X (profil EN 16931)."""
    from weasyprint import Attachment

    piece = Attachment(
        string=xml,
        name=NOM_FICHIER_XML,
        description=f"{'Avoir' if doc.est_avoir else 'Facture'} {doc.numero} (Factur-X EN 16931)",
        relationship="Data",
    )
    return html.write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=[piece],
        xmp_metadata=[BytesIO(_xmp_facturx())],
        finisher=_af_sans_doublon,
        **options,
    )


def _af_sans_doublon(_document, pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF array (Kozea/WeasyPrint
    #2917, fixed by #2920 in a later release): keep each reference once."""
    if "AF" in pdf.catalog:
        import pydyf

        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def verifier_xsd(xml: bytes) -> None:
    """Lève ValueError, avec l'erreur du validateur, si le XML ne suit pas le schéma XSD
    officiel Factur-X EN 16931."""
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:  # the library raises bare Exception
        raise ValueError(str(exc)) from exc


def _echecs(svrl: bytes) -> list[str]:
    """Les assertions fatales d'un rapport SVRL : « id: texte »."""
    racine = etree.fromstring(svrl)
    echecs = []
    for assertion in racine.iter(f"{{{SVRL}}}failed-assert"):
        if assertion.get("flag") == "warning":
            continue
        texte = " ".join("".join(assertion.itertext()).split())
        echecs.append(f"{assertion.get('id') or assertion.get('location')}: {texte}")
    return echecs


def _saxon(sources: Path, regles: Iterable, dossier: Path) -> list[Path]:
    """Passe chaque fichier de règles sur tous les XML du dossier `sources` ; les rapports
    SVRL, un dossier par fichier de règles (mêmes noms de fichiers que les sources)."""
    java = shutil.which("java")
    if java is None or not SAXON_JAR.exists():
        raise RuntimeError(
            "Contrôle des règles impossible : il faut Java et Saxon-HE "
            f"({SAXON_JAR}, paquets Debian libsaxonhe-java et default-jre-headless)."
        )
    # One JVM per rule file, run side by side, each over the whole folder: most of the time
    # goes into compiling the stylesheet, once per run. The JIT flags halve a short run.
    runs = []
    for i, xslt in enumerate(regles):
        rapports = dossier / f"rapports-{i}"
        rapports.mkdir()
        commande = [java, *JAVA_OPTIONS, "-cp", str(SAXON_JAR), "net.sf.saxon.Transform"]
        commande += [f"-s:{sources}", f"-xsl:{xslt}", f"-o:{rapports}"]
        run = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        runs.append((xslt, rapports, run))
    try:
        for xslt, _, run in runs:
            try:
                _, erreur = run.communicate(timeout=SAXON_DELAI)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"Saxon n'a pas fini en {SAXON_DELAI} s ({xslt}).") from None
            if run.returncode != 0:
                message = erreur.decode(errors="replace").strip()
                raise RuntimeError(f"Saxon a échoué sur {xslt} : {message}")
    finally:
        for _, _, run in runs:
            if run.poll() is None:
                run.kill()
                run.communicate()
    return [rapports for _, rapports, _ in runs]


def verifier_schematron_lot(xmls: dict[str, bytes]) -> dict[str, list[str]]:
    """`verifier_schematron` pour plusieurs XML à la fois (une compilation des règles pour
    tous) : pour chaque clé, les règles non respectées."""
    if not xmls:
        return {}
    cles = list(xmls)
    with (
        tempfile.TemporaryDirectory(prefix="facturx-") as tmp,
        resources.as_file(REGLES_EN16931) as en16931,
        resources.as_file(REGLES_BR_FR) as br_fr,
    ):
        dossier = Path(tmp)
        sources = dossier / "sources"
        sources.mkdir()
        for i, cle in enumerate(cles):
            (sources / f"{i}.xml").write_bytes(xmls[cle])
        resultats: dict[str, list[str]] = {cle: [] for cle in cles}
        for rapports in _saxon(sources, (en16931, br_fr), dossier):
            for i, cle in enumerate(cles):
                rapport = rapports / f"{i}.xml"
                if not rapport.exists():
                    raise RuntimeError(f"Saxon n'a pas écrit de rapport pour « {cle} ».")
                resultats[cle] += _echecs(rapport.read_bytes())
        return resultats


def verifier_schematron(xml: bytes) -> list[str]:
    """Les règles officielles non respectées par le XML (« id: texte »), hors ligne avec
    Saxon-HE : les règles EN 16931 de Factur-X puis les règles françaises BR-FR. Liste vide :
    conforme. Les avertissements (flag="warning") ne comptent pas. RuntimeError si Java ou
    Saxon manque, ou si Saxon échoue."""
    return verifier_schematron_lot({"xml": xml})["xml"]
