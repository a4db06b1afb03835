"""Le loyer d'une partie de mois (espaces/facturation/prorata.py) : jours inclus aux deux
bornes, part cumulée arrondie, jamais de centime perdu ni payé deux fois."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from espaces.facturation.prorata import prorata

d = datetime.date
loyers = st.decimals(min_value=0, max_value=100000, places=2)
mois = st.dates(min_value=d(1990, 1, 1), max_value=d(2100, 12, 1)).map(lambda x: x.replace(day=1))


def test_arrivee_le_15_mars():
    p = prorata(Decimal("310.00"), d(2015, 3, 1), d(2015, 3, 15), None)
    assert (p.debut, p.fin, p.jours, p.jours_du_mois) == (d(2015, 3, 15), d(2015, 3, 31), 17, 31)
    assert p.montant_ht == Decimal("170.00")


def test_depart_le_dernier_jour_paie_le_mois_entier():
    p = prorata(Decimal("288.00"), d(2015, 8, 1), d(2015, 6, 1), d(2015, 8, 31))
    assert p.mois_entier and p.montant_ht == Decimal("288.00")


def test_fevrier_et_annee_bissextile():
    assert prorata(Decimal("290.00"), d(2015, 2, 1), d(2015, 2, 15), None).montant_ht == Decimal(
        "145.00"
    )  # 14 days of 28
    p = prorata(Decimal("290.00"), d(2016, 2, 1), d(2016, 2, 15), None)
    assert (p.jours, p.jours_du_mois, p.montant_ht) == (15, 29, Decimal("150.00"))


def test_convention_finie_avant_le_mois_ou_commencee_apres():
    assert prorata(Decimal("100"), d(2015, 3, 1), d(2015, 1, 1), d(2015, 2, 28)) is None
    assert prorata(Decimal("100"), d(2015, 3, 1), d(2015, 4, 1), None) is None


def test_un_seul_jour():
    p = prorata(Decimal("100.00"), d(2015, 4, 1), d(2015, 4, 30), d(2015, 4, 30))
    assert (p.jours, p.montant_ht) == (1, Decimal("3.33"))


def test_loyer_negatif_refuse():
    import pytest

    with pytest.raises(ValueError):
        prorata(Decimal("-1"), d(2015, 4, 1), d(2015, 4, 1), None)


@given(loyer=loyers, premier=mois)
def test_un_mois_entier_vaut_le_loyer(loyer, premier):
    p = prorata(loyer, premier, d(1980, 1, 1), None)
    assert p.mois_entier and p.montant_ht == loyer


@given(loyer=loyers, premier=mois, coupure=st.integers(min_value=1, max_value=27))
def test_deux_moities_font_le_tout(loyer, premier, coupure):
    """Départ le jour `coupure`, arrivée du suivant le lendemain (ou changement de tarif) :
    les deux parts font exactement le loyer du mois."""
    jour = premier.replace(day=coupure)
    avant = prorata(loyer, premier, d(1980, 1, 1), jour)
    apres = prorata(loyer, premier, jour + datetime.timedelta(days=1), None)
    assert avant.montant_ht + apres.montant_ht == loyer
    assert avant.jours + apres.jours == avant.jours_du_mois


@given(
    loyer=loyers,
    premier=mois,
    a=st.integers(min_value=1, max_value=28),
    b=st.integers(min_value=1, max_value=28),
)
def test_jamais_negatif_ni_plus_que_le_mois(loyer, premier, a, b):
    a, b = sorted((a, b))
    p = prorata(loyer, premier, premier.replace(day=a), premier.replace(day=b))
    assert Decimal(0) <= p.montant_ht <= loyer
    assert p.jours == b - a + 1
