"""Les adresses calculées une fois (phares.lib.liens) : les mêmes que reverse()."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from phares.lib import liens


@pytest.mark.parametrize(
    "nom, valeur",
    [
        ("habitants:annuaire-detail", "halage"),
        ("habitants:annuaire-detail", "mode-estime_2"),
        ("operation-annuler", "a b é?&#%"),  # a str converter: reverse() quotes it
        ("operation-annuler", 7301946285),
    ],
)
def test_une_adresse_de_liste_est_celle_de_reverse(nom, valeur):
    assert liens.pour(liens.modele(nom), valeur) == reverse(nom, args=[valeur])


def test_un_modele_exige_une_adresse_a_un_argument():
    with pytest.raises(NoReverseMatch):
        liens.modele("home")


def test_une_adresse_fixe_est_celle_de_reverse_et_suit_le_prefixe():
    assert liens.fixe("espaces:jour") == reverse("espaces:jour")
    try:
        set_script_prefix("/pole/")
        assert liens.fixe("espaces:jour") == reverse("espaces:jour")
        assert liens.fixe("espaces:jour").startswith("/pole/")
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        liens.fixe("n-existe-pas")
