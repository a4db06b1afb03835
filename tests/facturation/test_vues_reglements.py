"""Les pages des règlements : saisir un paiement (et ses refus, dans le formulaire), émettre un
avoir, lire les impayés ; ce que voit le ou la référent·e."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from espaces.facturation import reglements, services
from espaces.facturation.models import Facture, Imputation, Paiement
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def emises(mars, comptable, cooperative, monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    emises, _ = services.emettre_brouillons(mois=MARS, par=acteur(comptable), le=d(2026, 4, 1))
    return {f.client_nom: f for f in emises}


@pytest.fixture
def halage(emises):
    return emises["Halage"]


def url_paiement(f):
    return f"{reverse('facturation:paiement-nouveau')}?client=s-{f.structure_id}"


def poster_paiement(client, f, **data):
    valeurs = {
        "client": f"s-{f.structure_id}",
        "factures": [f.pk],
        "date": "2026-04-10",
        "montant": "100,00",
        "moyen": "virement",
        "reference": "VIR HALAGE MARS",
        **data,
    }
    return client.post(reverse("facturation:paiement-nouveau"), valeurs)


def test_la_comptabilite_saisit_un_paiement_partiel_depuis_la_facture(halage, comptable):
    client = client_as(comptable)
    page = client.get(reverse("facturation:detail", args=[halage.pk]))
    assert "À payer" in page.content.decode() and "Enregistrer un paiement" in page.content.decode()

    form = client.get(url_paiement(halage) + f"&facture={halage.pk}")
    assert form.context["form"].initial["montant"] == Decimal("373.16")

    r = poster_paiement(client, halage, montant="1 00,50")
    assert r.status_code == 302
    p = Paiement.objects.get()
    assert (p.montant, p.moyen, p.reference) == (Decimal("100.50"), "virement", "VIR HALAGE MARS")
    detail = client.get(reverse("facturation:detail", args=[halage.pk])).content.decode()
    assert "Partiellement payée" in detail and "272,66" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"montant": "-5"}, "Le montant est positif."),
        ({"montant": "abc"}, "Saisissez un montant en euros"),
        ({"montant": "10,555"}, "Au centime près"),
        ({"montant": "500,00"}, "dépasse le reste dû des factures choisies (373,16"),
        ({"date": "2026-04-15"}, "Un paiement ne se reçoit pas dans le futur."),
        ({"date": "15/04/2026x"}, "Saisissez une date valide"),
        ({"factures": []}, "Cochez au moins une facture à régler."),
        ({"factures": ["999999"]}, "n&#x27;est plus à régler"),
        ({"moyen": "bitcoin"}, "Sélectionnez un choix valide"),
    ],
)
def test_une_saisie_fausse_est_dite_dans_le_formulaire_et_n_ecrit_rien(
    halage, comptable, data, message
):
    r = poster_paiement(client_as(comptable), halage, **data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Paiement.objects.exists() and not Imputation.objects.exists()


def test_le_paiement_d_une_facture_d_un_autre_client_est_refuse(emises, comptable):
    halage, mode = emises["Halage"], emises["Mode Estime"]
    r = poster_paiement(client_as(comptable), halage, factures=[mode.pk])
    assert r.status_code == 400 and not Paiement.objects.exists()


def test_l_equipe_emet_un_avoir_depuis_la_page(halage, comptable):
    client = client_as(comptable)
    page = client.get(reverse("facturation:avoir", args=[halage.pk]))
    lignes = page.context["lignes"]
    assert len(lignes) == halage.lignes.count()

    r = client.post(
        reverse("facturation:avoir", args=[halage.pk]),
        {"lignes": [lignes[0].pk], "motif": "Surface erronée", "date_emission": "2026-04-14"},
    )
    avoir = Facture.objects.get(type="avoir")
    assert r.status_code == 302 and r.url == reverse("facturation:detail", args=[avoir.pk])
    page = client.get(r.url).content.decode()
    assert "A2026-0001" in page and "Surface erronée" in page and halage.numero in page

    r = client.post(
        reverse("facturation:avoir", args=[halage.pk]),
        {"lignes": [lignes[0].pk], "motif": "encore", "date_emission": "2026-04-14"},
    )
    assert r.status_code == 400 and "déjà corrigée" in r.content.decode()
    assert Facture.objects.filter(type="avoir").count() == 1


def test_un_avoir_sans_ligne_ni_motif_ou_futur_est_refuse(halage, comptable):
    r = client_as(comptable).post(
        reverse("facturation:avoir", args=[halage.pk]),
        {"lignes": [], "motif": "", "date_emission": "2026-05-01"},
    )
    texte = r.content.decode()
    assert r.status_code == 400
    assert "Cochez au moins une ligne" in texte and "date future" in texte
    assert not Facture.objects.filter(type="avoir").exists()


def test_le_referent_voit_ce_qu_il_doit_et_ses_reglements(halage, emises, comptable, referent_a):
    reglements.enregistrer_paiement(
        structure=halage.structure,
        factures=[halage],
        date=d(2026, 4, 10),
        montant=Decimal("73.16"),
        moyen="cheque",
        par=acteur(comptable),
    )
    client = client_as(referent_a)
    liste = client.get(reverse("facturation:liste")).content.decode()
    assert "À régler : 300,00" in liste and "Mode Estime" not in liste
    detail = client.get(reverse("facturation:detail", args=[halage.pk])).content.decode()
    assert "Chèque" in detail and "73,16" in detail and "Partiellement payée" in detail
    # The staff's tools are not there.
    assert "Enregistrer un paiement" not in detail and "Émettre un avoir" not in detail


def test_la_liste_filtre_les_factures_en_retard(emises, comptable, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC), tick=False)
    halage = emises["Halage"]
    reglements.enregistrer_paiement(
        structure=halage.structure,
        factures=[halage],
        date=d(2026, 5, 2),
        montant=halage.total_ttc,
        moyen="virement",
        par=acteur(comptable),
    )
    client = client_as(comptable)
    r = client.get(reverse("facturation:liste") + "?paiement=en_retard")
    numeros = {f.numero for f in r.context["page"]}
    assert halage.numero not in numeros and emises["Mode Estime"].numero in numeros
    r = client.get(reverse("facturation:liste") + "?paiement=payees")
    assert {f.numero for f in r.context["page"]} == {halage.numero}

    impayes = client.get(reverse("facturation:impayes")).content.decode()
    assert "Mode Estime" in impayes and "19 jours" in impayes and "Halage" not in impayes


def test_la_liste_des_paiements_tient_en_peu_de_requetes(
    emises, comptable, django_assert_max_num_queries
):
    for f in emises.values():
        reglements.enregistrer_paiement(
            structure=f.structure,
            client_externe=f.client_externe,
            factures=[f],
            date=d(2026, 4, 10),
            montant=Decimal("1.00"),
            moyen="especes",
            par=acteur(comptable),
        )
    client = client_as(comptable)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("facturation:paiements"))
    assert r.status_code == 200 and len(r.context["page"]) == len(emises)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("facturation:liste")).status_code == 200


def test_annuler_un_paiement_depuis_sa_page(halage, comptable):
    p = reglements.enregistrer_paiement(
        structure=halage.structure,
        factures=[halage],
        date=d(2026, 4, 10),
        montant=Decimal("10.00"),
        moyen="cheque",
        par=acteur(comptable),
    )
    client = client_as(comptable)
    url = reverse("facturation:paiement-annuler", args=[p.pk])
    assert client.post(url, {"motif": ""}).status_code == 400
    assert client.post(url, {"motif": "Chèque sans provision"}).status_code == 302
    p.refresh_from_db()
    assert p.est_annule
