"""Préparer le mois : un brouillon par client depuis les données vivantes, chaque source
liée à sa ligne, rien facturé deux fois, un mois à venir refusé."""

import datetime
from decimal import Decimal

import pytest

from espaces.facturation import services
from espaces.facturation.models import Facture, LigneFacture
from espaces.models import Reservation
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal
from tests.conftest import acteur
from tests.facturation.conftest import MARS, convention, reservation

pytestmark = pytest.mark.django_db
d = datetime.date
Origine = LigneFacture.Origine


def preparer(par, mois=MARS):
    return services.preparer_mois(mois=mois, par=acteur(par))


def test_un_brouillon_par_client_avec_ses_sources(
    mars, structure_a, structure_b, client_externe, comptable
):
    bilan = preparer(comptable)

    assert bilan.brouillons == 3
    halage = Facture.objects.get(structure=structure_a, mois=MARS)
    lignes = list(halage.lignes.order_by("rang"))
    assert [(ligne.origine, ligne.montant_ht) for ligne in lignes] == [
        (Origine.CONVENTION, Decimal("200.00")),  # the whole month
        (Origine.CONVENTION, Decimal("65.81")),  # desk from the 15th: 17 days of 31
        (Origine.RESERVATION, Decimal("20.00")),  # beyond the included hours
        (Origine.CONSOMMATION, Decimal("25.16")),  # 37 × 0.68
    ]
    assert lignes[1].periode_debut == d(2026, 3, 15) and "17 j sur 31" in lignes[1].libelle
    assert lignes[2].reservation == mars["payante"]
    assert lignes[3].consommation == mars["courrier"]
    assert halage.statut == Facture.Statut.BROUILLON and halage.numero is None
    assert halage.total_ht == Decimal("310.97")
    assert halage.total_tva == sum(ligne.montant_tva for ligne in lignes)
    assert halage.total_ttc == halage.total_ht + halage.total_tva
    # Mode Estime left on the 14th: 14 days of 31 of its desk.
    estime = Facture.objects.get(structure=structure_b, mois=MARS)
    assert [ligne.montant_ht for ligne in estime.lignes.all()] == [Decimal("54.19")]
    # The outside organisation gets its own invoice.
    federation = Facture.objects.get(client_externe=client_externe)
    assert [ligne.reservation for ligne in federation.lignes.all()] == [mars["externe"]]
    assert EntreeJournal.objects.filter(operation="facturation.preparer_mois").count() == 1


def test_relancer_ne_facture_rien_deux_fois(mars, comptable):
    preparer(comptable)
    premiers = sorted(LigneFacture.objects.values_list("libelle", "montant_ht"))
    preparer(comptable)
    assert sorted(LigneFacture.objects.values_list("libelle", "montant_ht")) == premiers
    assert Facture.objects.count() == 3


def test_le_brouillon_suit_les_donnees_et_garde_les_lignes_manuelles(mars, structure_a, comptable):
    preparer(comptable)
    halage = Facture.objects.get(structure=structure_a)
    services.ajouter_ligne(
        facture=halage,
        libelle="Part de l'emploi mutualisé",
        quantite=Decimal(1),
        prix_unitaire_ht=Decimal("150"),
        taux_tva=Decimal("20"),
        par=acteur(comptable),
    )
    Reservation.objects.filter(pk=mars["payante"].pk).update(statut=Reservation.Statut.ANNULEE)

    preparer(comptable)

    halage.refresh_from_db()
    origines = list(halage.lignes.values_list("origine", flat=True))
    assert Origine.RESERVATION not in origines  # cancelled since: no longer billed
    assert Origine.MANUELLE in origines
    assert halage.total_ht == Decimal("200.00") + Decimal("65.81") + Decimal("25.16") + 150


def test_une_source_facturee_et_emise_ne_revient_pas(
    mars, structure_a, comptable, cooperative, monkeypatch
):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: b"%PDF-1.7 test")
    preparer(comptable)
    halage = Facture.objects.get(structure=structure_a)
    services.emettre(facture=halage, par=acteur(comptable))
    bilan = preparer(comptable)
    assert not Facture.objects.brouillons().filter(structure=structure_a).exists()
    assert bilan.brouillons == 2  # Mode Estime and the outside organisation, still drafts
    # A new booking of March after the issue: a new draft, with that booking only.
    reservation(mars["payante"].ressource, structure=structure_a, jour=25, montant="10.00")
    preparer(comptable)
    nouveau = Facture.objects.brouillons().get(structure=structure_a)
    assert [ligne.montant_ht for ligne in nouveau.lignes.all()] == [Decimal("10.00")]


def test_un_mois_a_venir_est_refuse(comptable):
    with pytest.raises(services.FacturationError, match="n'a pas commencé"):
        preparer(comptable, mois=d(2026, 5, 1))
    assert not Facture.objects.exists()


def test_le_mois_en_cours_se_facture(mars, comptable):
    assert preparer(comptable, mois=d(2026, 4, 1)).brouillons == 1  # Halage's rent for April


def test_seule_l_equipe_facture(mars, referent_a):
    with pytest.raises(services.FacturationError, match="gestion et la comptabilité"):
        preparer(referent_a)
    assert services.preparer_mois(mois=MARS, par=Acteur.systeme("demo")).brouillons == 3


def test_une_ligne_calculee_ne_se_retire_pas(mars, structure_a, comptable):
    preparer(comptable)
    ligne = LigneFacture.objects.filter(origine=Origine.CONVENTION).first()
    with pytest.raises(services.FacturationError, match="se corrige à sa source"):
        services.retirer_ligne(ligne=ligne, par=acteur(comptable))
    assert LigneFacture.objects.filter(pk=ligne.pk).exists()


@pytest.mark.parametrize(
    ("quantite", "prix", "message"),
    [
        (Decimal("-1"), Decimal("10"), "quantité est positive"),
        (Decimal("1"), Decimal("-5"), "pas négatif"),
    ],
)
def test_ligne_manuelle_invalide(mars, structure_a, comptable, quantite, prix, message):
    preparer(comptable)
    halage = Facture.objects.get(structure=structure_a)
    avant = halage.lignes.count()
    with pytest.raises(services.FacturationError, match=message):
        services.ajouter_ligne(
            facture=halage,
            libelle="x",
            quantite=quantite,
            prix_unitaire_ht=prix,
            taux_tva=Decimal("20"),
            par=acteur(comptable),
        )
    assert halage.lignes.count() == avant


def test_une_ligne_exoneree_porte_sa_base_legale(mars, structure_a, comptable, cooperative):
    preparer(comptable)
    halage = Facture.objects.get(structure=structure_a)
    ligne = services.ajouter_ligne(
        facture=halage,
        libelle="Loyer nu",
        quantite=Decimal(1),
        prix_unitaire_ht=Decimal("100"),
        taux_tva=Decimal("0"),
        par=acteur(comptable),
    )
    assert ligne.exoneration == "Exonération de TVA – art. 261 D 2° du CGI"
    assert ligne.montant_tva == 0 and ligne.categorie_tva == "E"


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_clients(mars, domaine, etage, comptable):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from espaces.models import Espace, TypeEspace
    from habitants.models import Structure

    preparer(comptable, mois=d(2025, 12, 1))  # the person's roles, read once per request
    with CaptureQueriesContext(connection) as deux_clients:
        assert preparer(comptable, mois=d(2026, 1, 1)).brouillons == 2
    for i in range(3, 9):
        s = Structure.objects.create(
            nom=f"Structure {i}", slug=f"s{i}", domaine=domaine, arrivee=d(2020, 1, 1)
        )
        bureau = Espace.objects.create(
            etage=etage, nom=f"Bureau {i}", slug=f"bureau-{i}", type=TypeEspace.BUREAU
        )
        convention(s, bureau, d(2025, 1, 1), montant="250.00")
    with CaptureQueriesContext(connection) as huit_clients:
        assert preparer(comptable, mois=d(2026, 2, 1)).brouillons == 8
    assert len(huit_clients) == len(deux_clients)
