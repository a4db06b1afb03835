"""Prélèvement SEPA : mandats (RUM, IBAN, un actif par structure), remises pain.008.001.02
validées par le XSD officiel, factures « présentées » qu'on ne paie, ne relance ni ne
représente plus, encaissement (un paiement par facture) et annulation ; saisies fausses
refusées en français sans rien écrire ; courses de vraies connexions."""

import datetime
import hashlib
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.db import transaction
from django.urls import reverse

from espaces.facturation import reglements, selectors, sepa, services
from espaces.facturation.models import (
    Cooperative,
    Facture,
    Imputation,
    LignePrelevement,
    MandatSepa,
    Paiement,
    Prelevement,
)
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS, paris

pytestmark = pytest.mark.django_db
d = datetime.date
E = selectors.EtatPaiement
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.02.xsd"
ICS = "FR72ZZZ123456"
IBAN_HALAGE = "FR1420041010050500013M02606"
RUM = "PHARES-HALAGE-2026/01"
AUJOURD_HUI = d(2026, 4, 14)
DANS_UNE_SEMAINE = d(2026, 4, 21)


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


@pytest.fixture
def coop(cooperative):
    cooperative.ics = ICS
    cooperative.save(update_fields=["ics"])
    return cooperative


@pytest.fixture
def emises(mars, comptable, coop, pdf_factice):
    """Les factures de mars 2026 émises le 1er avril (échéance le 1er mai)."""
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    emises, erreurs = services.emettre_brouillons(
        mois=MARS, par=acteur(comptable), le=d(2026, 4, 1)
    )
    assert not erreurs
    return {f.client_nom: f for f in emises}


@pytest.fixture
def halage(emises):
    return emises["Halage"]


@pytest.fixture
def mandat(halage, gestion):
    return sepa.creer_mandat(
        structure=halage.structure,
        reference=RUM,
        date_signature=d(2026, 1, 15),
        iban="fr14 2004 1010 0505 0001 3M02 606",
        par=acteur(gestion),
    )


def remise(factures, par, le=DANS_UNE_SEMAINE):
    return sepa.generer_remise(factures=factures, date_prelevement=le, par=acteur(par))


def soldes(f):
    return selectors.avec_soldes(Facture.objects.filter(pk=f.pk)).get()


def compte():
    return [
        m.objects.count()
        for m in (MandatSepa, Prelevement, LignePrelevement, Paiement, Imputation, EntreeJournal)
    ]


# --- Le fichier -----------------------------------------------------------------------------


def test_la_remise_est_un_pain008_valide_avec_montants_rum_iban_et_ics(
    halage, mandat, comptable, coop
):
    reglements.enregistrer_paiement(
        structure=halage.structure,
        factures=[halage],
        date=d(2026, 4, 10),
        montant=Decimal("100.00"),
        moyen="virement",
        par=acteur(comptable),
    )

    r = remise([halage], comptable)

    xmlschema.XMLSchema(str(XSD)).validate(r.xml)
    assert r.sha256 == hashlib.sha256(r.xml.encode()).hexdigest()
    assert (r.total, r.nombre, r.statut, r.sequence) == (Decimal("273.16"), 1, "generee", "RCUR")
    doc = ET.fromstring(r.xml.encode())
    en_tete = doc.find("p:CstmrDrctDbtInitn/p:GrpHdr", NS)
    assert en_tete.findtext("p:MsgId", namespaces=NS) == r.message_id
    assert en_tete.findtext("p:NbOfTxs", namespaces=NS) == "1"
    assert en_tete.findtext("p:CtrlSum", namespaces=NS) == "273.16"
    lot = doc.find("p:CstmrDrctDbtInitn/p:PmtInf", NS)
    assert lot.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS) == "RCUR"
    assert lot.findtext("p:PmtTpInf/p:LclInstrm/p:Cd", namespaces=NS) == "CORE"
    assert lot.findtext("p:ReqdColltnDt", namespaces=NS) == "2026-04-21"
    assert lot.findtext("p:Cdtr/p:Nm", namespaces=NS) == "SCIC PHARES"
    assert lot.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == coop.iban
    assert lot.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "AGRIFRPP"
    assert lot.findtext("p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == ICS
    (tx,) = lot.findall("p:DrctDbtTxInf", NS)
    montant = tx.find("p:InstdAmt", NS)
    assert (montant.text, montant.get("Ccy")) == ("273.16", "EUR")
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == f"{halage.numero}-1"
    assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS) == RUM
    assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:DtOfSgntr", namespaces=NS) == "2026-01-15"
    assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN_HALAGE
    # The BIC was not typed: the bank of the IBAN publishes one.
    assert tx.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "PSSTFRPP"
    assert tx.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Halage"
    assert halage.numero in tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS)

    f = soldes(halage)
    assert f.presentee and selectors.etat(f, AUJOURD_HUI) == E.PRESENTEE
    assert selectors.etat(f, d(2026, 6, 1)) == E.PRESENTEE  # not "late": it is on its way
    assert EntreeJournal.objects.filter(operation="prelevement.generer", objet_id=r.pk).exists()


def test_un_debiteur_sans_bic_connu_est_preleve_en_iban_seul(halage, gestion, comptable):
    """Sans BIC (saisi ou publié), la transaction porte « NOTPROVIDED » : permis depuis 2016
    pour tout prélèvement SEPA, et le fichier reste valide."""
    m = sepa.creer_mandat(
        structure=halage.structure,
        reference="SANS-BIC",
        date_signature=d(2026, 1, 15),
        iban="DE89370400440532013000",
        titulaire="Association Halage & Cie (compte Épargne)",
        par=acteur(gestion),
    )
    m.bic = ""
    m.save(update_fields=["bic"])

    r = remise([halage], comptable)

    xmlschema.XMLSchema(str(XSD)).validate(r.xml)
    tx = ET.fromstring(r.xml.encode()).find(".//p:DrctDbtTxInf", NS)
    assert tx.findtext("p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"
    # Names carried in the EPC character set: accents transliterated, "&" dropped.
    assert tx.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Association Halage Cie (compte Epargne)"
    assert m.titulaire == "Association Halage & Cie (compte Épargne)"  # kept as typed


def test_seules_les_factures_dues_des_structures_mandatees_sont_prelevables(
    emises, mandat, comptable, gestion
):
    halage, mode = emises["Halage"], emises["Mode Estime"]
    assert list(selectors.prelevables()) == [halage]

    page = client_as(comptable).get(reverse("facturation:prelevement-nouveau"))
    assert page.status_code == 200
    choix = dict(page.context["form"].fields["factures"].choices)
    assert list(choix) == [halage.pk] and RUM in choix[halage.pk]
    assert "Mode Estime" not in page.content.decode()

    with pytest.raises(services.FacturationError, match="Mode Estime n'a pas de mandat"):
        remise([halage, mode], comptable)
    externe = emises["Fédération des centres sociaux"]
    with pytest.raises(services.FacturationError, match="seule une facture émise d'une structure"):
        remise([externe], comptable)

    reglements.enregistrer_paiement(
        structure=halage.structure,
        factures=[halage],
        date=d(2026, 4, 10),
        montant=halage.total_ttc,
        moyen="cheque",
        par=acteur(comptable),
    )
    assert not selectors.prelevables().exists()
    with pytest.raises(services.FacturationError, match="plus rien à payer"):
        remise([halage], comptable)
    assert Prelevement.objects.count() == 0


def test_un_mandat_revoque_ne_preleve_plus(halage, mandat, gestion, comptable):
    sepa.revoquer_mandat(mandat=mandat, par=acteur(gestion))
    assert not selectors.prelevables().exists()
    with pytest.raises(services.FacturationError, match="pas de mandat de prélèvement actif"):
        remise([halage], comptable)
    with pytest.raises(services.FacturationError, match="déjà révoqué"):
        sepa.revoquer_mandat(mandat=mandat, par=acteur(gestion))
    # A new signed mandate (new RUM) for the same structure is then accepted.
    sepa.creer_mandat(
        structure=halage.structure,
        reference="PHARES-HALAGE-2026/02",
        date_signature=d(2026, 4, 14),
        iban=IBAN_HALAGE,
        par=acteur(gestion),
    )
    assert remise([halage], comptable).nombre == 1


# --- Refus du service : un message, rien d'écrit --------------------------------------------


def test_une_facture_deja_presentee_ne_l_est_pas_deux_fois(halage, mandat, comptable):
    remise([halage], comptable)
    avant = compte()
    with pytest.raises(services.FacturationError, match=r"déjà présentée .*remise du 21 avr"):
        remise([halage], comptable, le=d(2026, 4, 28))
    assert compte() == avant


def test_une_date_passee_est_refusee(halage, mandat, comptable):
    avant = compte()
    with pytest.raises(services.FacturationError, match="La date de prélèvement est passée"):
        remise([halage], comptable, le=d(2026, 4, 13))
    assert compte() == avant
    assert remise([halage], comptable, le=AUJOURD_HUI).date_prelevement == AUJOURD_HUI


@pytest.mark.parametrize(
    ("champs", "manque"),
    [
        ({"ics": ""}, "l'identifiant créancier SEPA (ICS)"),
        ({"bic": ""}, "le BIC"),
        (
            {"ics": "", "iban": "", "bic": ""},
            "l'identifiant créancier SEPA (ICS), l'IBAN et le BIC",
        ),
    ],
)
def test_une_cooperative_sans_ics_ni_coordonnees_bancaires_ne_preleve_pas(
    halage, mandat, comptable, coop, champs, manque
):
    Cooperative.objects.filter(pk=coop.pk).update(**champs)
    avant = compte()
    with pytest.raises(services.FacturationError, match=re.escape(f"doit avoir {manque} :")):
        remise([halage], comptable)
    assert compte() == avant


def test_un_fichier_que_le_xsd_refuserait_n_est_pas_garde(halage, mandat, comptable, coop):
    """sepaxml valide ce qu'il écrit : un IBAN mal formé glissé hors formulaire (avec ses
    espaces) donne un message, et rien n'est écrit."""
    Cooperative.objects.filter(pk=coop.pk).update(iban="FR76 3000 6000 0112 3456 7890 189")
    avant = compte()
    with pytest.raises(services.FacturationError, match=r"ne respecte pas le schéma pain\.008"):
        remise([halage], comptable)
    assert compte() == avant


def test_les_referent_es_ne_prelevent_pas(halage, mandat, referent_a):
    with pytest.raises(services.FacturationError, match="Seules la gestion et la comptabilité"):
        remise([halage], referent_a)


# --- Présentée : ni payée à la main, ni corrigée, ni relancée ---------------------------------


def test_une_facture_presentee_ne_se_paie_pas_a_la_main_ni_ne_se_corrige(
    halage, mandat, comptable, time_machine
):
    remise([halage], comptable)
    with pytest.raises(services.FacturationError, match="présentée\\(s\\) au prélèvement"):
        reglements.enregistrer_paiement(
            structure=halage.structure,
            factures=[halage],
            date=d(2026, 4, 14),
            montant=Decimal("10.00"),
            moyen="virement",
            par=acteur(comptable),
        )
    with pytest.raises(services.FacturationError, match="présentée au prélèvement : annulez"):
        reglements.emettre_avoir(
            facture=halage, lignes=list(halage.lignes.all()), motif="Erreur", par=acteur(comptable)
        )
    # Overdue, it is still not chased: the bank is collecting it.
    time_machine.move_to(paris(2026, 5, 10, 10), tick=False)
    assert all(halage not in g.factures for g in selectors.impayes_par_client(d(2026, 5, 10)))
    with pytest.raises(services.FacturationError, match="aucune facture en retard"):
        reglements.relancer(structure=halage.structure, par=acteur(comptable))


# --- Encaisser, annuler ---------------------------------------------------------------------


def test_encaisser_enregistre_un_paiement_par_facture(
    emises, mandat, gestion, comptable, time_machine
):
    halage = emises["Halage"]
    avril = _deuxieme_facture(halage, gestion, comptable)
    r = remise([avril, halage], comptable)
    assert r.total == halage.total_ttc + avril.total_ttc

    with pytest.raises(services.FacturationError, match=r"prévue le 21 avr\. 2026"):
        sepa.encaisser_remise(remise=r, par=acteur(comptable))
    assert not Paiement.objects.exists()

    time_machine.move_to(paris(2026, 4, 22, 9), tick=False)
    paiements = sepa.encaisser_remise(remise=r, par=acteur(comptable))

    assert len(paiements) == 2
    for p in paiements:
        assert (p.moyen, p.date, p.structure) == ("prelevement", d(2026, 4, 21), halage.structure)
        assert RUM in p.reference
    for f in (halage, avril):
        f = soldes(f)
        assert selectors.reste(f) == 0 and not f.presentee
        assert selectors.etat(f, d(2026, 4, 22)) == E.PAYEE
    r.refresh_from_db()
    assert r.statut == "encaissee" and r.cloturee_le is not None
    assert set(r.lignes.values_list("paiement", flat=True)) == {p.pk for p in paiements}
    assert not r.lignes.filter(ouverte=True).exists()
    with pytest.raises(services.FacturationError, match="déjà encaissée"):
        sepa.encaisser_remise(remise=r, par=acteur(comptable))
    with pytest.raises(services.FacturationError, match="déjà encaissée"):
        sepa.annuler_remise(remise=r, motif="Trop tard", par=acteur(comptable))
    assert EntreeJournal.objects.filter(operation="paiement.enregistrer").count() == 2
    assert EntreeJournal.objects.filter(operation="prelevement.encaisser").count() == 1

    # A rejection after cashing: its payment is cancelled, the invoice is due again and can
    # be presented anew (a new end-to-end reference).
    reglements.annuler_paiement(
        paiement=paiements[0], motif="Rejet : provision insuffisante", par=acteur(comptable)
    )
    rejetee = Facture.objects.get(pk=paiements[0].imputations.get().facture_id)
    assert selectors.reste(soldes(rejetee)) > 0
    nouvelle = remise([rejetee], comptable, le=d(2026, 4, 30))
    assert nouvelle.lignes.get().reference == f"{rejetee.numero}-2"


def _deuxieme_facture(halage, gestion, comptable):
    services.preparer_mois(mois=d(2026, 4, 1), par=acteur(gestion))
    brouillon = Facture.objects.brouillons().get(structure=halage.structure)
    return services.emettre(facture=brouillon, par=acteur(comptable), le=d(2026, 4, 2))


def test_annuler_rend_les_factures_dues_sans_paiement(halage, mandat, comptable):
    r = remise([halage], comptable)
    with pytest.raises(services.FacturationError, match="Dites pourquoi"):
        sepa.annuler_remise(remise=r, motif="  ", par=acteur(comptable))

    sepa.annuler_remise(remise=r, motif="Fichier refusé par la banque", par=acteur(comptable))

    r.refresh_from_db()
    assert (r.statut, r.motif_annulation) == ("annulee", "Fichier refusé par la banque")
    f = soldes(halage)
    assert not f.presentee and selectors.etat(f, AUJOURD_HUI) == E.DUE
    assert not Paiement.objects.exists()
    assert list(selectors.prelevables()) == [halage]
    # The XML of a cancelled batch stays readable in the database, not downloadable.
    r2 = remise([halage], comptable)
    assert r2.lignes.get().reference == f"{halage.numero}-2"


# --- Les pages ------------------------------------------------------------------------------


def test_le_parcours_de_la_comptabilite(halage, mandat, comptable, time_machine):
    client = client_as(comptable)
    liste = client.get(reverse("facturation:liste")).content.decode()
    assert reverse("facturation:prelevements") in liste and reverse("facturation:mandats") in liste

    r = client.post(
        reverse("facturation:prelevement-nouveau"),
        {"factures": [halage.pk], "date_prelevement": "2026-04-21"},
    )
    assert r.status_code == 302
    remise_ = Prelevement.objects.get()
    assert r.url == reverse("facturation:prelevement", args=[remise_.pk])

    page = client.get(r.url).content.decode()
    assert "Télécharger le fichier XML" in page and "Possible à partir du 21 avr. 2026" in page
    detail = client.get(reverse("facturation:detail", args=[halage.pk])).content.decode()
    assert "Présentée au prélèvement" in detail and "Enregistrer un paiement" not in detail

    xml = client.get(reverse("facturation:prelevement-xml", args=[remise_.pk]))
    assert xml.status_code == 200
    assert xml["Content-Type"] == "application/xml; charset=utf-8"
    assert xml["Content-Disposition"] == (
        f'attachment; filename="prelevement-2026-04-21-{remise_.pk}.xml"'
    )
    assert xml.content == remise_.xml.encode()

    time_machine.move_to(paris(2026, 4, 21, 18), tick=False)
    r = client.post(reverse("facturation:prelevement-encaisser", args=[remise_.pk]))
    assert r.status_code == 302
    assert Paiement.objects.get().moyen == "prelevement"
    page = client.get(r.url).content.decode()
    assert "encaissée : 1 paiement(s) enregistré(s), 373,16" in page


def test_annuler_depuis_la_page(halage, mandat, comptable):
    r = remise([halage], comptable)
    client = client_as(comptable)
    url = reverse("facturation:prelevement-annuler", args=[r.pk])

    vide = client.post(url, {"motif": ""})
    assert vide.status_code == 400 and "Ce champ est obligatoire" in vide.content.decode()
    assert Prelevement.objects.get().statut == "generee"

    assert client.post(url, {"motif": "Jamais envoyé"}).status_code == 302
    assert Prelevement.objects.get().statut == "annulee"
    xml = client.get(reverse("facturation:prelevement-xml", args=[r.pk]))
    assert xml.status_code == 302
    page = client.get(xml.url).content.decode()
    assert "ne se télécharge plus" in page


def test_un_fichier_altere_ne_se_telecharge_pas(halage, mandat, comptable):
    r = remise([halage], comptable)
    Prelevement.objects.filter(pk=r.pk).update(xml=r.xml.replace("373.16", "973.16"))
    reponse = client_as(comptable).get(reverse("facturation:prelevement-xml", args=[r.pk]))
    assert reponse.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_prelevement": "2026-04-13"}, "La date de prélèvement est passée"),
        ({"date_prelevement": "13/04/2026x"}, "Saisissez une date valide"),
        ({"factures": []}, "Cochez au moins une facture à prélever."),
        ({"factures": ["999999"]}, "n&#x27;est plus à prélever"),
    ],
)
def test_une_remise_mal_saisie_est_dite_dans_le_formulaire(
    halage, mandat, comptable, data, message
):
    avant = compte()
    r = client_as(comptable).post(
        reverse("facturation:prelevement-nouveau"),
        {"factures": [halage.pk], "date_prelevement": "2026-04-21", **data},
    )
    assert r.status_code == 400
    assert message in r.content.decode()
    assert compte() == avant


def test_sans_ics_la_page_le_dit_et_la_remise_est_refusee(halage, mandat, comptable, coop):
    Cooperative.objects.filter(pk=coop.pk).update(ics="")
    client = client_as(comptable)
    page = client.get(reverse("facturation:prelevement-nouveau")).content.decode()
    assert "identifiant créancier SEPA (ICS)" in page
    r = client.post(
        reverse("facturation:prelevement-nouveau"),
        {"factures": [halage.pk], "date_prelevement": "2026-04-21"},
    )
    assert r.status_code == 400 and "doit avoir l&#x27;identifiant créancier" in r.content.decode()
    assert not Prelevement.objects.exists()


# --- Mandats --------------------------------------------------------------------------------


def poster_mandat(client, pour, **data):
    valeurs = {
        "structure": pour.pk,
        "reference": "PHARES-HALAGE-01",
        "date_signature": "2026-01-15",
        "titulaire": "",
        "iban": "FR14 2004 1010 0505 0001 3M02 606",
        "bic": "",
        **data,
    }
    return client.post(reverse("facturation:mandat-nouveau"), valeurs)


def test_enregistrer_puis_revoquer_un_mandat(structure_a, gestion, referent_a):
    client = client_as(gestion)
    r = poster_mandat(client, structure_a, titulaire="Halage (compte courant)", bic="psst frpp")
    assert r.status_code == 302
    m = MandatSepa.objects.get()
    assert (m.reference, m.iban, m.bic, m.titulaire) == (
        "PHARES-HALAGE-01",
        IBAN_HALAGE,
        "PSSTFRPP",
        "Halage (compte courant)",
    )
    assert m.cree_par == gestion and m.est_actif
    assert EntreeJournal.objects.filter(operation="mandat_sepa.creer").exists()
    liste = client.get(reverse("facturation:mandats")).content.decode()
    assert "PHARES-HALAGE-01" in liste and "FR14 •••• •••• 2606" in liste

    # The référent reads their structure's mandate on their invoice list, IBAN masked.
    page = client_as(referent_a).get(reverse("facturation:liste")).content.decode()
    assert "PHARES-HALAGE-01" in page and "FR14 •••• •••• 2606" in page
    assert IBAN_HALAGE not in page

    url = reverse("facturation:mandat-revoquer", args=[m.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "Révoquer le mandat" in confirmation.text
    assert client.post(url).status_code == 302
    m.refresh_from_db()
    assert m.revoque_le == AUJOURD_HUI and m.revoque_par == gestion
    assert "PHARES-HALAGE-01" not in client_as(referent_a).get(reverse("facturation:liste")).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"iban": "FR14 2004 1010 0505 0001 3M02 607"}, "Cet IBAN n&#x27;est pas valide"),
        ({"iban": "FR14"}, "Cet IBAN n&#x27;est pas valide"),
        ({"iban": ""}, "Ce champ est obligatoire"),
        ({"reference": "RUM_HALAGE"}, "lettres sans accent, chiffres, espaces"),
        ({"reference": "RUM-ÉTÉ"}, "lettres sans accent, chiffres, espaces"),
        ({"reference": "RUM*1"}, "lettres sans accent, chiffres, espaces"),
        ({"reference": "/RUM-1"}, "ne commence ni ne finit par « / »"),
        ({"reference": "RUM//1"}, "ne commence ni ne finit par « / »"),
        ({"reference": "R" * 36}, "au plus 35 caractères"),
        ({"reference": ""}, "Ce champ est obligatoire"),
        ({"date_signature": "2026-04-15"}, "Un mandat ne se signe pas dans le futur."),
        ({"date_signature": "31/02/2026"}, "Saisissez une date valide"),
        ({"bic": "PAS-UN-BIC"}, "Ce BIC n&#x27;est pas valide"),
        ({"structure": "999999"}, "Choisissez une structure de la liste."),
        ({"titulaire": "x" * 71}, "au plus 70 caractères"),
        ({"titulaire": "😀 ★"}, "s&#x27;écrit avec des lettres ou des chiffres"),
    ],
)
def test_un_mandat_mal_saisi_est_dit_en_francais_et_rien_n_est_ecrit(
    structure_a, gestion, data, message
):
    avant = compte()
    r = poster_mandat(client_as(gestion), structure_a, **data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert compte() == avant


def test_un_seul_mandat_actif_par_structure_et_une_rum_ne_sert_qu_une_fois(
    structure_a, structure_b, gestion
):
    client = client_as(gestion)
    assert poster_mandat(client, structure_a).status_code == 302
    avant = compte()

    r = poster_mandat(client, structure_a, reference="AUTRE-RUM")
    assert r.status_code == 400 and "Halage a déjà un mandat actif" in r.content.decode()
    # References compare without regard to case, as banks do.
    r = poster_mandat(client, structure_b, reference="phares-halage-01")
    assert r.status_code == 400 and "déjà celle d&#x27;un autre mandat" in r.content.decode()
    assert compte() == avant


def test_un_mandat_se_refuse_au_service_comme_au_formulaire(structure_a, gestion):
    with pytest.raises(services.FacturationError, match="lettres sans accent"):
        sepa.creer_mandat(
            structure=structure_a,
            reference="RUM é",
            date_signature=d(2026, 1, 1),
            iban=IBAN_HALAGE,
            par=acteur(gestion),
        )
    with pytest.raises(services.FacturationError, match="IBAN n'est pas valide"):
        sepa.creer_mandat(
            structure=structure_a,
            reference="RUM-1",
            date_signature=d(2026, 1, 1),
            iban="FR00 1234",
            par=acteur(gestion),
        )
    with pytest.raises(services.FacturationError, match="pas dans la zone SEPA"):
        sepa.creer_mandat(
            structure=structure_a,
            reference="RUM-1",
            date_signature=d(2026, 1, 1),
            iban="BR1800360305000010009795493C1",
            par=acteur(gestion),
        )
    assert not MandatSepa.objects.exists()


# --- L'ICS de la coopérative ----------------------------------------------------------------


def _coop_data(coop, **data):
    from espaces.facturation.forms import CooperativeForm

    form = CooperativeForm(instance=coop)
    valeurs = {n: form.initial.get(n) or "" for n in form.fields}
    return {**valeurs, **data}


@pytest.mark.parametrize("ics", ["FR12ZZZ123456", "FR72ZZZ12345É", "72ZZZ123456", "FR72"])
def test_un_ics_faux_est_refuse_en_francais(coop, gestion, ics):
    r = client_as(gestion).post(reverse("facturation:cooperative"), _coop_data(coop, ics=ics))
    assert r.status_code == 400
    assert "Cet identifiant créancier SEPA n&#x27;est pas valide" in r.content.decode()
    assert Cooperative.objects.get().ics == ICS


def test_un_ics_se_saisit_avec_espaces_et_minuscules(coop, gestion):
    r = client_as(gestion).post(
        reverse("facturation:cooperative"), _coop_data(coop, ics="fr72 zzz 123456")
    )
    assert r.status_code == 302
    assert Cooperative.objects.get().ics == ICS


# --- Déchets dans chaque champ : jamais un 500 -----------------------------------------------


@pytest.mark.parametrize("page", ["mandat", "remise"])
def test_chaque_champ_refuse_les_dechets(page, halage, mandat, gestion, structure_b):
    """Les déchets de tests/test_robustesse.py dans chaque champ des deux formulaires."""
    from tests.test_robustesse import COMMUN, PAR_TYPE

    if page == "mandat":
        url = reverse("facturation:mandat-nouveau")
        base = {
            "structure": structure_b.pk,
            "reference": "RUM-MODE-ESTIME",
            "date_signature": "2026-01-15",
            "titulaire": "Mode Estime",
            "iban": "FR7610107001011234567890129",
            "bic": "",
        }
        types = {"structure": "select", "date_signature": "date"}
    else:
        url = reverse("facturation:prelevement-nouveau")
        base = {"factures": [halage.pk], "date_prelevement": "2026-04-21"}
        types = {"factures": "select", "date_prelevement": "date"}
    client = client_as(gestion)

    def poster(data):
        # Each try starts from the same state.
        sid = transaction.savepoint()
        try:
            return client.post(url, data).status_code
        finally:
            transaction.savepoint_rollback(sid)

    assert poster(base) == 302
    echecs = [
        f"{champ}={dechet[:30]!r}: {statut}"
        for champ in base
        for dechet in COMMUN + PAR_TYPE.get(types.get(champ, "text"), [])
        if (statut := poster({**base, champ: dechet})) >= 500
    ]
    assert not echecs, "\n".join(echecs)


# --- Courses : de vraies connexions en parallèle ---------------------------------------------

N = 10


@pytest.mark.django_db(transaction=True)
def test_dix_onglets_qui_generent_la_meme_remise_n_en_font_qu_une(
    course, halage, mandat, comptable
):
    """La facture verrouillée, puis relue : une remise passe, les neuf autres voient la
    facture présentée (et la contrainte de la base tiendrait sans le verrou)."""

    def generer(i):
        return remise([halage], comptable, le=AUJOURD_HUI).pk

    resultats = course.lancer(generer, n=N)

    gagnants = [r for r in resultats if isinstance(r, int)]
    perdants = [r for r in resultats if not isinstance(r, int)]
    assert len(gagnants) == 1, resultats
    assert all(isinstance(p, services.FacturationError) for p in perdants), perdants
    assert all("déjà présentée" in str(p) for p in perdants), perdants
    assert course.lire(lambda: (Prelevement.objects.count(), LignePrelevement.objects.count())) == (
        1,
        1,
    )


@pytest.mark.django_db(transaction=True)
def test_une_remise_et_des_paiements_a_la_main_en_meme_temps(course, halage, mandat, comptable):
    """Cinq onglets prélèvent la facture, cinq la règlent à la main : une seule opération
    passe. Jamais prélevée et payée à la fois."""

    def agir(i):
        if i % 2:
            return ("remise", remise([halage], comptable, le=AUJOURD_HUI).pk)
        return (
            "paiement",
            reglements.enregistrer_paiement(
                structure=halage.structure,
                factures=[halage],
                date=AUJOURD_HUI,
                montant=halage.total_ttc,
                moyen="virement",
                par=acteur(comptable),
            ).pk,
        )

    resultats = course.lancer(agir, n=N)

    gagnants = [r for r in resultats if isinstance(r, tuple)]
    perdants = [r for r in resultats if not isinstance(r, tuple)]
    assert len(gagnants) == 1, resultats
    assert all(isinstance(p, services.FacturationError) for p in perdants), perdants
    assert course.lire(lambda: Prelevement.objects.count() + Paiement.objects.count()) == 1


@pytest.mark.django_db(transaction=True)
def test_encaisser_et_annuler_la_meme_remise_en_meme_temps(course, halage, mandat, comptable):
    r = remise([halage], comptable, le=AUJOURD_HUI)

    def agir(i):
        if i % 2:
            return len(sepa.encaisser_remise(remise=r, par=acteur(comptable)))
        return sepa.annuler_remise(remise=r, motif="Refusée", par=acteur(comptable)).statut

    resultats = course.lancer(agir, n=N)

    gagnants = [x for x in resultats if not isinstance(x, Exception)]
    assert len(gagnants) == 1, resultats
    assert all(isinstance(x, services.FacturationError) for x in resultats if x not in gagnants)
    statut, paiements = course.lire(
        lambda: (Prelevement.objects.get().statut, Paiement.objects.count())
    )
    assert (statut, paiements) in {("encaissee", 1), ("annulee", 0)}


@pytest.mark.django_db(transaction=True)
def test_dix_mandats_simultanes_pour_une_structure(course, structure_a, gestion):
    def creer(i):
        return sepa.creer_mandat(
            structure=structure_a,
            reference=f"RUM-{i}",
            date_signature=d(2026, 1, 15),
            iban=IBAN_HALAGE,
            par=acteur(gestion),
        ).pk

    resultats = course.lancer(creer, n=N)

    assert len([r for r in resultats if isinstance(r, int)]) == 1, resultats
    perdants = [r for r in resultats if not isinstance(r, int)]
    assert all("a déjà un mandat actif" in str(p) for p in perdants), perdants
    assert course.lire(lambda: MandatSepa.objects.count()) == 1


def test_la_referente_voit_sa_facture_en_cours_de_prelevement(
    halage, mandat, comptable, referent_a, time_machine
):
    remise([halage], comptable)
    time_machine.move_to(paris(2026, 5, 10, 10), tick=False)  # past the due date
    page = client_as(referent_a).get(reverse("facturation:liste")).text
    assert "Présentée au prélèvement" in page
    texte = re.sub(r"<[^>]+>", "", page).replace("\u00a0", " ").replace("\u202f", " ")
    assert "À régler : 373,16 €, dont 373,16 € en cours de prélèvement." in texte
    detail = client_as(referent_a).get(reverse("facturation:detail", args=[halage.pk])).text
    assert "prélèvement prévu le 21 avr. 2026" in detail
    assert reverse("facturation:prelevements") not in detail
