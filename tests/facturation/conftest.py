"""La facturation de test : la coopérative, le bâtiment des tests espaces (bureaux,
co-travail, salles, tarifs 2015), des conventions et des réservations de mars 2026."""

import datetime
from decimal import Decimal

import pytest

from espaces.facturation.models import Cooperative
from espaces.models import Consommation, Convention, Reservation, Tarif
from tests.espaces import conftest as _espaces
from tests.espaces.views_fixtures import paris

# The test building of espaces (offices, coworking, rooms, 2015 tariffs).
batiment = _espaces.batiment
etage = _espaces.etage
bureau = _espaces.bureau
bureau_2 = _espaces.bureau_2
cotravail = _espaces.cotravail
salle = _espaces.salle
salle_formation = _espaces.salle_formation
client_externe = _espaces.client_externe
tarifs = _espaces.tarifs

MARS = datetime.date(2026, 3, 1)
# Tuesday 14 April 2026, 10:00 in Paris: March can be billed, May cannot.
AUJOURD_HUI = paris(2026, 4, 14, 10)


@pytest.fixture(autouse=True)
def _aujourd_hui(time_machine):
    time_machine.move_to(AUJOURD_HUI, tick=False)


@pytest.fixture
def cooperative(db):
    return Cooperative.objects.create(
        raison_sociale="SCIC PHARES",
        capital="15 000 €",
        adresse="6 rue Arnold Géraux",
        code_postal="93450",
        ville="L'Île-Saint-Denis",
        siren="732829320",
        siret="73282932000074",
        rcs="RCS Bobigny 732 829 320",
        tva_intracom="FR44732829320",
        email="compta@phares.test",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


def convention(structure, espace, debut, fin=None, montant="200.00", poste=0, tva="20.00"):
    return Convention.objects.create(
        structure=structure,
        espace=espace,
        poste=poste,
        debut=debut,
        fin=fin,
        montant_mensuel_ht=Decimal(montant),
        taux_tva=Decimal(tva),
    )


def reservation(
    ressource,
    *,
    structure=None,
    externe=None,
    jour=10,
    h1=9,
    h2=12,
    montant="30.00",
    par=None,
    tarif=None,
    statut=Reservation.Statut.CONFIRMEE,
):
    return Reservation.objects.create(
        ressource=ressource,
        debut=paris(2026, 3, jour, h1),
        fin=paris(2026, 3, jour, h2),
        fin_bloquee=paris(2026, 3, jour, h2),
        statut=statut,
        structure=structure,
        externe=externe,
        titre="Réunion",
        par=par,
        tarif=tarif,
        minutes_facturables=(h2 - h1) * 60,
        montant_ht=Decimal(montant),
        taux_tva=Decimal("20.00"),
    )


@pytest.fixture
def mars(
    structure_a,
    structure_b,
    bureau,
    cotravail,
    salle,
    salle_formation,
    client_externe,
    tarifs,
    gestion,
):
    """Halage tient le bureau 101 (200 €) tout le mois et un poste depuis le 15 ; Mode
    Estime part le 14 du bureau 102 ; une réservation payante, une gratuite, une annulée ;
    une location extérieure ; du courrier."""
    # Billed structures have a billing address (Factur-X wants an electronic one).
    structure_b.email_facturation = "compta@modeestime.test"
    structure_b.save(update_fields=["email_facturation"])
    convention(structure_a, bureau, datetime.date(2025, 1, 1), montant="200.00")
    convention(structure_a, cotravail, datetime.date(2026, 3, 15), poste=1, montant="120.00")
    convention(
        structure_b,
        cotravail,
        datetime.date(2025, 1, 1),
        datetime.date(2026, 3, 14),
        poste=2,
        montant="120.00",
    )
    payante = reservation(
        salle, structure=structure_a, montant="20.00", tarif=tarifs[Tarif.Code.SALLE_HABITANT_HEURE]
    )
    reservation(salle, structure=structure_a, jour=11, montant="0.00")
    reservation(
        salle, structure=structure_a, jour=12, montant="50.00", statut=Reservation.Statut.ANNULEE
    )
    externe = reservation(
        salle_formation,
        externe=client_externe,
        jour=13,
        h1=9,
        h2=17,
        montant="140.00",
        tarif=tarifs[Tarif.Code.SALLE_JOURNEE],
    )
    courrier = Consommation.objects.create(
        structure=structure_a,
        service=Consommation.Service.AFFRANCHISSEMENT,
        date=datetime.date(2026, 3, 20),
        quantite=37,
        prix_unitaire_ht=Decimal("0.68"),
        taux_tva=Decimal("20"),
        saisi_par=gestion,
    )
    return {"payante": payante, "externe": externe, "courrier": courrier}
