"""Les règles de la SCIC qui se règlent (settings.PHARES_GOUVERNANCE) : valeurs par défaut,
surcharge, et refus d'une valeur absurde."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from gouvernance import reglages
from phares.settings import env_decimal


def test_les_valeurs_par_defaut(settings):
    settings.PHARES_GOUVERNANCE = {}
    assert reglages.valeur_nominale() == Decimal("100.00")
    assert reglages.plafond_associes() == 100
    assert reglages.alerte_plafond_associes() == 90
    assert reglages.fraction_plancher() == Decimal("0.25")
    assert reglages.capital_minimum_statutaire() == Decimal(0)
    assert reglages.categories_obligatoires() == ("salaries", "beneficiaires")


@pytest.mark.parametrize(
    ("reglage", "lire"),
    [
        ({"VALEUR_NOMINALE_PART": Decimal(0)}, reglages.valeur_nominale),
        ({"VALEUR_NOMINALE_PART": Decimal("10.005")}, reglages.valeur_nominale),
        ({"VALEUR_NOMINALE_PART": 12.5}, reglages.valeur_nominale),
        ({"PLAFOND_ASSOCIES": 0}, reglages.plafond_associes),
        ({"ALERTE_PLAFOND_ASSOCIES": 150}, reglages.alerte_plafond_associes),
        ({"FRACTION_PLANCHER_CAPITAL": Decimal("1.5")}, reglages.fraction_plancher),
        ({"CAPITAL_MINIMUM_STATUTAIRE": Decimal(-1)}, reglages.capital_minimum_statutaire),
        ({"CATEGORIES_OBLIGATOIRES": ["habitants"]}, reglages.categories_obligatoires),
        ({"VALEUR_PART": Decimal(50)}, reglages.valeur_nominale),
    ],
)
def test_une_valeur_absurde_est_refusee(settings, reglage, lire):
    settings.PHARES_GOUVERNANCE = reglage
    with pytest.raises(ImproperlyConfigured, match="PHARES_GOUVERNANCE"):
        lire()


@pytest.mark.parametrize(
    ("valeur", "attendu"), [("", Decimal(7)), ("50", Decimal(50)), ("12,50", Decimal("12.50"))]
)
def test_variable_d_environnement_decimale(monkeypatch, valeur, attendu):
    monkeypatch.setenv("PHARES_TEST_DECIMAL", valeur)
    assert env_decimal("PHARES_TEST_DECIMAL", Decimal(7)) == attendu


@pytest.mark.parametrize("valeur", ["cent", "NaN", "Infinity"])
def test_variable_d_environnement_decimale_illisible(monkeypatch, valeur):
    monkeypatch.setenv("PHARES_TEST_DECIMAL", valeur)
    with pytest.raises(ImproperlyConfigured, match="PHARES_TEST_DECIMAL doit être un nombre"):
        env_decimal("PHARES_TEST_DECIMAL", Decimal(7))
