"""La démo émet le grand livre 2015 : loyers à 16 €/m²/mois et postes à 120 €/mois, locations
extérieures, affranchissement ; numéros continus ; PDF Factur-X gardés."""

import io

import facturx as fx
import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from espaces.facturation import demo, selectors
from espaces.facturation.models import (
    Cooperative,
    Facture,
    LigneFacture,
    MandatSepa,
    Paiement,
    Prelevement,
)

pytestmark = [pytest.mark.django_db, pytest.mark.grand_livre]


def test_la_demo_emet_les_factures_2015(monkeypatch):
    # Two months keep the test short; CI's fresh-demo step loads all twelve.
    monkeypatch.setattr(demo, "MOIS_EMIS", (6, 12))
    call_command("demo", stdout=io.StringIO())

    assert Cooperative.objects.count() == 1
    emises = Facture.objects.emises()
    assert not Facture.objects.brouillons().exists()
    juin = emises.filter(mois="2015-06-01", type="facture")
    assert juin.count() >= 15
    numeros = sorted(emises.filter(annee=2015, serie="F").values_list("rang", flat=True))
    assert numeros == list(range(1, len(numeros) + 1))
    # December is billed on 5 January 2016: a new year, a new sequence.
    assert emises.filter(mois="2015-12-01").order_by("rang").first().numero == "F2016-0001"
    lignes = LigneFacture.objects.filter(facture__in=juin)
    assert lignes.filter(code_tarif="bureau_m2_mois").exists()
    assert lignes.filter(code_tarif="poste_cotravail_mois", prix_unitaire_ht=120).exists()
    assert lignes.filter(origine="consommation").exists()
    # The Réseau des PTCE's general assembly in June: its own invoice, to its address.
    externe = juin.get(client_externe__nom="Réseau des PTCE")
    assert externe.acheteur["nom"] == "Réseau des PTCE"
    totaux = juin.aggregate(Sum("total_ttc"))["total_ttc__sum"]
    assert (
        totaux
        == lignes.aggregate(t=Sum("montant_ht"))["t"] + lignes.aggregate(t=Sum("montant_tva"))["t"]
    )
    f = juin.first()
    _, xml = fx.get_facturx_xml_from_pdf(bytes(f.document.contenu), check_xsd=True)
    assert f.numero.encode() in xml

    # A living ledger: one credit note, payments, a half-paid invoice, overdue ones.
    (avoir,) = Facture.objects.filter(type="avoir")
    assert avoir.numero == "A2015-0001" and avoir.facture_origine.est_emise
    assert Paiement.objects.filter(moyen="virement").exists()
    assert Paiement.objects.filter(moyen="cheque").exists()
    aujourd_hui = timezone.localdate()
    soldes = list(selectors.avec_soldes(Facture.objects.emises().filter(type="facture")))
    E = selectors.EtatPaiement
    assert {E.PAYEE, E.EN_RETARD} <= {selectors.etat(f, aujourd_hui) for f in soldes}
    assert any(f.paye and selectors.reste(f) > 0 for f in soldes)  # half paid
    impayes = selectors.impayes_par_client(aujourd_hui)
    assert impayes and all(f.mois.month in (6, 12) for g in impayes for f in g.factures)
    # Two structures pay by SEPA direct debit: June's batch is cashed, December's presented.
    assert Cooperative.objects.get().ics == "FR72ZZZ123456"
    assert MandatSepa.objects.filter(revoque_le__isnull=True).count() == 2
    juin_sepa, decembre_sepa = Prelevement.objects.order_by("date_prelevement")
    assert juin_sepa.statut == "encaissee" and decembre_sepa.statut == "generee"
    assert Paiement.objects.filter(moyen="prelevement").count() == juin_sepa.nombre > 0
    assert E.PRESENTEE in {selectors.etat(f, aujourd_hui) for f in soldes}

    avant = [m.objects.count() for m in (Facture, Paiement, MandatSepa, Prelevement)]
    call_command("demo", stdout=io.StringIO())
    # A second run bills nothing twice, pays nothing twice, collects nothing twice.
    assert [m.objects.count() for m in (Facture, Paiement, MandatSepa, Prelevement)] == avant
