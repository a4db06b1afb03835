"""Le bâtiment de test : un étage, une salle de réunion (10 personnes), une salle de
formation (battement de 15 min, ouverte aux extérieurs), un co-travail de 5 postes,
deux bureaux, trois vélos et les tarifs généraux en vigueur depuis 2015."""

import datetime
from decimal import Decimal

import pytest

from espaces.models import (
    Batiment,
    ClientExterne,
    Espace,
    Etage,
    Ressource,
    Tarif,
    TypeEspace,
)

# The same "now" (Monday 2 March 2026, 8:00 in Paris) and booking day as the view tests.
from tests.espaces.views_fixtures import JOUR, NOW, paris


def creneau(h1, m1, h2, m2, jour=JOUR) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        paris(jour.year, jour.month, jour.day, h1, m1),
        paris(jour.year, jour.month, jour.day, h2, m2),
    )


TARIFS = {
    Tarif.Code.BUREAU_M2_MOIS: "16",
    Tarif.Code.POSTE_COTRAVAIL_MOIS: "120",
    Tarif.Code.SALLE_HEURE: "25",
    Tarif.Code.SALLE_DEMI_JOURNEE: "80",
    Tarif.Code.SALLE_JOURNEE: "140",
    Tarif.Code.SALLE_HABITANT_HEURE: "10",
}


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def batiment(db):
    return Batiment.objects.create(
        nom="Les PHARES", adresse="14 rue Pierre Paul Riquet", surface_m2=Decimal("3500")
    )


@pytest.fixture
def etage(batiment):
    return Etage.objects.create(batiment=batiment, niveau=1, nom="Premier étage")


def make_salle(etage, *, nom, slug, type_espace, capacite, **regles) -> Ressource:
    espace = Espace.objects.create(
        etage=etage, nom=nom, slug=slug, type=type_espace, capacite=capacite
    )
    return Ressource.objects.create(
        categorie=Ressource.Categorie.SALLE, nom=nom, slug=slug, espace=espace, **regles
    )


@pytest.fixture
def salle(etage):
    """Salle de réunion : 10 personnes, habitants seulement, préavis d'annulation 24 h."""
    return make_salle(
        etage,
        nom="Salle Phare",
        slug="salle-phare",
        type_espace=TypeEspace.SALLE_REUNION,
        capacite=10,
        preavis_annulation_heures=24,
    )


@pytest.fixture
def salle_formation(etage):
    """Salle de formation : 15 min de ménage après chaque réservation, louée aux extérieurs."""
    return make_salle(
        etage,
        nom="Salle Estuaire",
        slug="salle-estuaire",
        type_espace=TypeEspace.SALLE_FORMATION,
        capacite=30,
        battement_minutes=15,
        ouverte_aux_externes=True,
    )


@pytest.fixture
def cotravail(etage):
    return Espace.objects.create(
        etage=etage,
        nom="Co-travail",
        slug="cotravail",
        type=TypeEspace.COTRAVAIL,
        nb_postes=5,
        surface_m2=Decimal("80"),
    )


@pytest.fixture
def bureau(etage):
    return Espace.objects.create(
        etage=etage,
        nom="Bureau 101",
        slug="bureau-101",
        type=TypeEspace.BUREAU,
        surface_m2=Decimal("12.5"),
    )


@pytest.fixture
def bureau_2(etage):
    return Espace.objects.create(
        etage=etage,
        nom="Bureau 102",
        slug="bureau-102",
        type=TypeEspace.BUREAU,
        surface_m2=Decimal("20"),
    )


@pytest.fixture
def velos(db):
    return [
        Ressource.objects.create(
            categorie=Ressource.Categorie.VELO, nom=f"Vélo {n}", slug=f"velo-{n}"
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def tarifs(db):
    return {
        code: Tarif.objects.create(
            code=code, montant_ht=Decimal(montant), debut=datetime.date(2015, 1, 1)
        )
        for code, montant in TARIFS.items()
    }


@pytest.fixture
def client_externe(db):
    return ClientExterne.objects.create(
        nom="Fédération des centres sociaux",
        email="contact@federation.test",
        adresse_facturation="1 place du Marché, 33000 Bordeaux",
    )
