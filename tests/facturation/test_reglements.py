"""Après l'émission : paiements (partiels, sur plusieurs factures, annulés), reste dû et état
calculés depuis les enregistrements, avoirs (entiers ou par lignes), impayés et relances."""

import datetime
from decimal import Decimal

import facturx as fx
import pytest
from django.core import mail
from django.urls import reverse

from espaces.facturation import reglements, selectors, services
from espaces.facturation.models import Facture, Imputation, Paiement, Relance
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db
d = datetime.date
E = selectors.EtatPaiement
AUJOURD_HUI = d(2026, 4, 14)


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


@pytest.fixture
def emises(mars, comptable, cooperative, pdf_factice):
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


def soldes(f):
    return selectors.avec_soldes(Facture.objects.filter(pk=f.pk)).get()


AVRIL_10 = d(2026, 4, 10)


def payer(f, montant, par, *, factures=None, le=AVRIL_10, moyen="virement"):
    return reglements.enregistrer_paiement(
        structure=f.structure,
        client_externe=f.client_externe,
        factures=factures or [f],
        date=le,
        montant=Decimal(montant),
        moyen=moyen,
        par=acteur(par),
    )


def test_un_paiement_partiel_puis_le_solde(halage, comptable):
    assert halage.total_ttc == Decimal("373.16")
    assert selectors.etat(soldes(halage), AUJOURD_HUI) == E.DUE

    payer(halage, "100.00", comptable)
    f = soldes(halage)
    assert selectors.reste(f) == Decimal("273.16")
    assert selectors.etat(f, AUJOURD_HUI) == E.PARTIELLE
    assert selectors.etat(f, d(2026, 5, 2)) == E.EN_RETARD

    payer(halage, "273.16", comptable, moyen="cheque")
    f = soldes(halage)
    assert selectors.reste(f) == 0 and selectors.etat(f, d(2026, 6, 1)) == E.PAYEE
    assert EntreeJournal.objects.filter(operation="paiement.enregistrer").count() == 2


def test_un_paiement_regle_plusieurs_factures_la_plus_ancienne_d_abord(
    halage, comptable, gestion, pdf_factice
):
    # April's invoice of Halage, issued later: a payment covers March, then part of April.
    services.ajouter_ligne(
        facture=services.preparer_mois(mois=d(2026, 4, 1), par=acteur(gestion)).brouillons
        and Facture.objects.brouillons().get(structure=halage.structure),
        libelle="Emploi mutualisé",
        quantite=Decimal(1),
        prix_unitaire_ht=Decimal("50"),
        taux_tva=Decimal("20"),
        par=acteur(gestion),
    )
    avril = services.emettre(
        facture=Facture.objects.brouillons().get(structure=halage.structure),
        par=acteur(comptable),
        le=d(2026, 4, 2),
    )

    p = payer(halage, "400.00", comptable, factures=[avril, halage])

    parts = dict(Imputation.objects.filter(paiement=p).values_list("facture__numero", "montant"))
    assert parts == {halage.numero: Decimal("373.16"), avril.numero: Decimal("26.84")}
    assert selectors.reste(soldes(avril)) == avril.total_ttc - Decimal("26.84")


def test_un_paiement_au_dela_du_reste_du_est_refuse_sans_rien_ecrire(halage, comptable):
    payer(halage, "300.00", comptable)
    with pytest.raises(services.FacturationError, match=r"dépasse le reste dû .*73,16"):
        payer(halage, "80.00", comptable)
    assert Paiement.objects.count() == 1 and Imputation.objects.count() == 1


def test_une_facture_soldee_ne_recoit_plus_rien(halage, comptable):
    payer(halage, "373.16", comptable)
    with pytest.raises(services.FacturationError, match="déjà réglée"):
        payer(halage, "1.00", comptable)


def test_un_paiement_d_un_autre_client_ou_futur_est_refuse(emises, comptable):
    halage, mode = emises["Halage"], emises["Mode Estime"]
    with pytest.raises(services.FacturationError, match="pas une facture émise de ce client"):
        payer(halage, "10.00", comptable, factures=[mode])
    with pytest.raises(services.FacturationError, match="futur"):
        payer(halage, "10.00", comptable, le=d(2026, 4, 15))
    assert not Paiement.objects.exists()


def test_un_paiement_annule_ne_regle_plus_rien_et_reste_dans_l_historique(halage, comptable):
    p = payer(halage, "373.16", comptable)
    reglements.annuler_paiement(paiement=p, motif="Chèque rejeté", par=acteur(comptable))

    assert selectors.reste(soldes(halage)) == Decimal("373.16")
    p.refresh_from_db()
    assert p.est_annule and p.motif_annulation == "Chèque rejeté"
    with pytest.raises(services.FacturationError, match="déjà annulé"):
        reglements.annuler_paiement(paiement=p, motif="encore", par=acteur(comptable))


def test_un_habitant_n_enregistre_pas_de_paiement(halage, referent_a):
    with pytest.raises(services.FacturationError):
        payer(halage, "10.00", referent_a)


# --- Avoirs ---------------------------------------------------------------------------------


def test_un_avoir_total_annule_la_facture(halage, comptable):
    avoir = reglements.emettre_avoir(
        facture=halage,
        lignes=list(halage.lignes.all()),
        motif="Facturée par erreur",
        par=acteur(comptable),
        le=d(2026, 4, 3),
    )
    assert (avoir.numero, avoir.type, avoir.facture_origine) == ("A2026-0001", "avoir", halage)
    assert avoir.total_ttc == halage.total_ttc
    f = soldes(halage)
    assert selectors.reste(f) == 0 and selectors.etat(f, d(2026, 6, 1)) == E.ANNULEE
    assert EntreeJournal.objects.filter(operation="facture.avoir").exists()


def test_un_avoir_sur_une_ligne_puis_la_meme_ligne_est_refusee(halage, comptable):
    loyer = halage.lignes.order_by("rang").first()
    avoir = reglements.emettre_avoir(
        facture=halage, lignes=[loyer], motif="Surface erronée", par=acteur(comptable)
    )
    assert avoir.total_ht == loyer.montant_ht
    assert selectors.reste(soldes(halage)) == halage.total_ttc - avoir.total_ttc

    with pytest.raises(services.FacturationError, match="déjà corrigée"):
        reglements.emettre_avoir(
            facture=halage, lignes=[loyer], motif="encore", par=acteur(comptable)
        )
    assert loyer not in reglements.lignes_creditables(halage)
    assert Facture.objects.filter(type="avoir").count() == 1


def test_un_avoir_ne_precede_pas_sa_facture_et_veut_un_motif(halage, comptable):
    lignes = list(halage.lignes.all())
    with pytest.raises(services.FacturationError, match="ne précède pas"):
        reglements.emettre_avoir(
            facture=halage, lignes=lignes, motif="x", par=acteur(comptable), le=d(2026, 3, 31)
        )
    with pytest.raises(services.FacturationError, match="motif"):
        reglements.emettre_avoir(facture=halage, lignes=lignes, motif=" ", par=acteur(comptable))
    assert not Facture.objects.filter(type="avoir").exists()


def test_l_avoir_est_un_factur_x_381_qui_cite_la_facture(mars, comptable, cooperative, structure_a):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    f = services.emettre(
        facture=Facture.objects.brouillons().get(structure=structure_a),
        par=acteur(comptable),
        le=d(2026, 4, 1),
    )
    avoir = reglements.emettre_avoir(
        facture=f, lignes=list(f.lignes.all()[:1]), motif="Geste", par=acteur(comptable)
    )
    _, xml = fx.get_facturx_xml_from_pdf(bytes(avoir.document.contenu), check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert f.numero.encode() in xml


def test_un_paiement_apres_un_avoir_partiel_ne_depasse_pas_le_nouveau_reste(halage, comptable):
    ligne = halage.lignes.order_by("rang").first()
    avoir = reglements.emettre_avoir(
        facture=halage, lignes=[ligne], motif="Geste", par=acteur(comptable)
    )
    reste = halage.total_ttc - avoir.total_ttc
    with pytest.raises(services.FacturationError, match="dépasse"):
        payer(halage, str(halage.total_ttc), comptable)
    payer(halage, str(reste), comptable)
    assert selectors.etat(soldes(halage), d(2026, 6, 1)) == E.PAYEE


# --- Impayés et relances --------------------------------------------------------------------


def test_les_impayes_par_client_avec_les_jours_de_retard(emises, comptable):
    payer(emises["Halage"], "73.16", comptable)
    groupes = selectors.impayes_par_client(d(2026, 5, 11))
    par_client = {str(g.client): g for g in groupes}
    assert par_client["Halage"].total == Decimal("300.00")
    assert par_client["Halage"].factures[0].jours == 10
    assert selectors.impayes_par_client(d(2026, 5, 1)) == []  # due date itself: not late


def test_une_relance_part_avec_les_pdf_et_se_note(emises, comptable, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC), tick=False)
    halage = emises["Halage"]
    halage.structure.email_facturation = "compta@halage.test"
    halage.structure.save(update_fields=["email_facturation"])

    reglements.relancer(structure=halage.structure, par=acteur(comptable))

    (m,) = mail.outbox
    assert m.to == ["compta@halage.test"]
    assert halage.numero in m.body and "19 jours de retard" in m.body and "373,16" in m.body
    assert [a[0] for a in m.attachments] == [f"{halage.numero}.pdf"]
    assert m.attachments[0][1].startswith(b"%PDF")
    r = Relance.objects.get()
    assert (r.facture, r.reste_du) == (halage, Decimal("373.16"))

    with pytest.raises(services.FacturationError, match="déjà été relancé"):
        reglements.relancer(structure=halage.structure, par=acteur(comptable))
    assert len(mail.outbox) == 1


def test_une_relance_qui_ne_part_pas_ne_note_rien(emises, comptable, time_machine, monkeypatch):
    time_machine.move_to(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC), tick=False)

    def panne(self, *a, **k):
        raise ConnectionRefusedError("SMTP")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", panne)
    client = client_as(comptable)
    s = emises["Mode Estime"].structure
    r = client.post(reverse("facturation:relancer"), {"client": f"s-{s.pk}"}, follow=True)
    assert "pas pu partir" in r.content.decode()
    assert not Relance.objects.exists()
    assert not EntreeJournal.objects.filter(operation="facture.relancer").exists()


def test_pas_de_relance_sans_retard(emises, comptable):
    with pytest.raises(services.FacturationError, match="aucune facture en retard"):
        reglements.relancer(structure=emises["Halage"].structure, par=acteur(comptable))


def test_relancer_tous_les_retards_en_tache_de_fond(emises, comptable, time_machine):
    """Un clic sur « Relancer tous les clients en retard » : un lot, un e-mail par client qui
    a une adresse, les autres en refus avec la raison ; la page du lot le dit."""
    from espaces.facturation.models import Lot

    time_machine.move_to(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC), tick=False)
    halage = emises["Halage"].structure
    halage.email_facturation, halage.email_contact = "", ""
    halage.save(update_fields=["email_facturation", "email_contact"])
    client = client_as(comptable)
    en_retard = len(selectors.impayes_par_client(d(2026, 5, 20)))
    assert en_retard == len(emises)

    r = client.post(reverse("facturation:relancer-tous"))

    lot = Lot.objects.get(nature="relances")
    assert r.status_code == 302 and r.url == reverse("facturation:lot", args=[lot.pk])
    assert (lot.statut, lot.total, lot.faites) == ("termine", en_retard, en_retard - 1)
    assert len(mail.outbox) == en_retard - 1
    (erreur,) = lot.erreurs
    assert erreur.startswith("Halage : ") and "pas d'e-mail de facturation" in erreur
    page = client.get(r.url).content.decode()
    assert f"{en_retard - 1} / {en_retard} clients relancés" in page and "Non relancés" in page

    # A second run the same day sends nothing twice.
    client.post(reverse("facturation:relancer-tous"))
    second = Lot.objects.filter(nature="relances").latest("pk")
    assert second.faites == 0 and len(mail.outbox) == en_retard - 1
    assert all("déjà été relancé" in e or "Halage" in e for e in second.erreurs)


def test_relancer_tous_sans_retard(emises, comptable):
    r = client_as(comptable).post(reverse("facturation:relancer-tous"), follow=True)
    assert "personne à relancer" in r.content.decode()
