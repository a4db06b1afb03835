"""Les pages de la facturation : préparer un mois, revoir un brouillon, émettre, télécharger ;
ce que voit un·e référent·e ; les saisies invalides (message en français, rien d'écrit)."""

import datetime
from decimal import Decimal

import pytest

from espaces.facturation import services
from espaces.facturation.models import Cooperative, Facture, LigneFacture, Lot
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


@pytest.fixture
def brouillons(mars, comptable, cooperative):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    return {f.client_nom: f for f in Facture.objects.brouillons()}


def test_preparer_puis_voir_les_brouillons(mars, comptable):
    c = client_as(comptable)
    r = c.post("/factures/preparer/", {"mois": "2026-03"}, follow=True)
    assert r.status_code == 200
    assert "Mars 2026 : 3 brouillon(s)" in r.text
    assert r.request["QUERY_STRING"] == "statut=brouillon&mois=2026-03"
    assert "Émettre tous les brouillons de mars 2026" in r.text


@pytest.mark.parametrize(
    ("mois", "message"),
    [("2026-05", "Mai 2026 n&#x27;a pas commencé"), ("2026-13", "format AAAA-MM"), ("", "")],
)
def test_mois_invalide(comptable, mois, message):
    r = client_as(comptable).post("/factures/preparer/", {"mois": mois}, follow=True)
    assert r.status_code == 200
    assert message in r.text
    assert not Facture.objects.exists()


def test_ajouter_une_ligne_invalide_reste_dans_le_formulaire(brouillons, comptable, structure_a):
    f = brouillons["Halage"]
    avant = f.lignes.count()
    r = client_as(comptable).post(
        f"/factures/{f.pk}/lignes/",
        {"libelle": "Emploi", "quantite": "-2", "prix_unitaire_ht": "10", "taux_tva": "20"},
    )
    assert r.status_code == 400
    assert "La quantité est positive." in r.text
    assert f.lignes.count() == avant


def test_ajouter_puis_retirer_une_ligne(brouillons, comptable):
    f = brouillons["Halage"]
    c = client_as(comptable)
    c.post(
        f"/factures/{f.pk}/lignes/",
        {
            "libelle": "Part de l'emploi mutualisé",
            "quantite": "1",
            "prix_unitaire_ht": "150",
            "taux_tva": "20",
        },
    )
    ligne = f.lignes.get(origine=LigneFacture.Origine.MANUELLE)
    f.refresh_from_db()
    assert f.total_ht == Decimal("460.97")
    r = c.post(f"/factures/{f.pk}/lignes/{ligne.pk}/retirer/", follow=True)
    assert "Ligne retirée." in r.text
    f.refresh_from_db()
    assert f.total_ht == Decimal("310.97")


def test_emettre_depuis_la_page_puis_le_referent_telecharge(
    brouillons, comptable, referent_a, habitant_b, pdf_factice
):
    f = brouillons["Halage"]
    r = client_as(comptable).post(
        f"/factures/{f.pk}/emettre/", {"date_emission": "2026-04-02"}, follow=True
    )
    assert "Facture F2026-0001 émise." in r.text
    # The second tab: a French message, no second number.
    r = client_as(comptable).post(
        f"/factures/{f.pk}/emettre/", {"date_emission": "2026-04-02"}, follow=True
    )
    assert "déjà émise" in r.text
    assert Facture.objects.emises().count() == 1

    referent = client_as(referent_a)
    liste = referent.get("/factures/")
    assert "F2026-0001" in liste.text and "Brouillon" not in liste.text
    pdf = referent.get(f"/factures/{f.pk}/pdf/?telecharger=1")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="F2026-0001.pdf"'
    assert pdf.content == b"%PDF F2026-0001"
    # Mode Estime's référent sees none of Halage's invoices.
    assert "F2026-0001" not in client_as(habitant_b).get("/factures/").text
    assert client_as(habitant_b).get(f"/factures/{f.pk}/pdf/").status_code == 404


def test_date_d_emission_future_refusee(brouillons, comptable, pdf_factice):
    f = brouillons["Halage"]
    r = client_as(comptable).post(
        f"/factures/{f.pk}/emettre/", {"date_emission": "2026-12-01"}, follow=True
    )
    assert "Une facture ne s&#x27;émet pas à une date future." in r.text
    assert not Facture.objects.emises().exists()


def test_emettre_tout_le_mois(brouillons, comptable, pdf_factice):
    # A background task (run at once in tests); the page shows its progress.
    r = client_as(comptable).post("/factures/emettre-le-mois/", {"mois": "2026-03"}, follow=True)
    lot = Lot.objects.get()
    assert r.redirect_chain == [(f"/factures/lots/{lot.pk}/", 302)]
    assert "Terminé</strong> : 3 / 3 émises." in r.text
    assert sorted(Facture.objects.values_list("numero", flat=True)) == [
        "F2026-0001",
        "F2026-0002",
        "F2026-0003",
    ]


def test_l_apercu_d_un_brouillon_est_un_pdf(brouillons, comptable):
    r = client_as(comptable).get(f"/factures/{brouillons['Halage'].pk}/pdf/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert Facture.objects.emises().count() == 0


DONNEES_COOP = {
    "raison_sociale": "SCIC PHARES",
    "forme": "SCIC SARL à capital variable",
    "capital": "",
    "adresse": "6 rue Arnold Géraux",
    "code_postal": "93450",
    "ville": "L'Île-Saint-Denis",
    "siren": "732 829 320",
    "siret": "732 829 320 00074",
    "rcs": "RCS Bobigny",
    "tva_intracom": "FR 44 732829320",
    "email": "compta@phares.test",
    "telephone": "",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "delai_paiement_jours": "30",
    "penalites": "Trois fois le taux légal.",
    "mention_exoneration": "Exonération de TVA – art. 261 D 2° du CGI",
}


def test_la_gestion_renseigne_la_cooperative(gestion):
    r = client_as(gestion).post("/factures/cooperative/", DONNEES_COOP, follow=True)
    assert "Coordonnées de la coopérative enregistrées." in r.text
    coop = Cooperative.objects.get()
    assert (coop.siren, coop.iban) == ("732829320", "FR7630006000011234567890189")


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("iban", "FR76 3000 6000 0112 3456 7890 180", "IBAN n&#x27;est pas valide"),
        ("siren", "732829321", "SIREN n&#x27;est pas valide"),
        ("siret", "73282932000075", "SIRET n&#x27;est pas valide"),
        ("tva_intracom", "FR00732829320", "numéro de TVA n&#x27;est pas valide"),
    ],
)
def test_coordonnees_invalides(gestion, champ, valeur, message):
    r = client_as(gestion).post("/factures/cooperative/", {**DONNEES_COOP, champ: valeur})
    assert r.status_code == 400
    assert message in r.text
    assert not Cooperative.objects.exists()


def test_la_liste_ne_grossit_pas_en_requetes(django_assert_max_num_queries, comptable, mars):
    for mois in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), MARS):
        services.preparer_mois(mois=mois, par=acteur(comptable))
    c = client_as(comptable)
    with django_assert_max_num_queries(12):
        assert c.get("/factures/").status_code == 200


def test_la_liste_d_un_referent_tient_en_peu_de_requetes(
    django_assert_max_num_queries, brouillons, comptable, referent_a, habitant_b, pdf_factice
):
    # Session, the user and their roles (référent included, phares/auth.py), the navigation's
    # structures, the mandates, the page (count + rows) and the amounts due: no second read
    # of the référent role, nothing per invoice.
    client_as(comptable).post(
        f"/factures/{brouillons['Halage'].pk}/emettre/", {"date_emission": "2026-04-02"}
    )
    c = client_as(referent_a)
    c.get("/factures/")
    with django_assert_max_num_queries(7):
        r = c.get("/factures/")
    assert r.status_code == 200 and "F2026-0001" in r.text
    assert client_as(habitant_b).get("/factures/").status_code == 200  # référent of B
