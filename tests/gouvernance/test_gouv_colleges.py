"""Les collèges de vote, vérifiés d'un bloc (art. 19 octies de la loi du 10 septembre 1947) :
chacun entre 10 % et 50 % des voix, des poids qui font 100 %."""

from decimal import Decimal

import pytest

from gouvernance.models import Associe, College
from gouvernance.services import GouvernanceError
from gouvernance.services.colleges import (
    CollegeSaisi,
    affecter_colleges,
    definir_colleges,
    verifier_colleges,
)
from tests.conftest import acteur


def saisis(*poids):
    return [CollegeSaisi(f"Collège {i}", Decimal(str(p))) for i, p in enumerate(poids, start=1)]


@pytest.mark.parametrize(
    "poids",
    [(), (40, 25, 25, 10), (50, 50), (33.34, 33.33, 33.33), (10, 10, 30, 50)],
)
def test_configurations_admises(poids):
    verifier_colleges(saisis(*poids))


@pytest.mark.parametrize(
    ("poids", "message"),
    [
        ((60, 40), "Collège 1 à 60 %"),
        ((40, 25, 25, 9, 1), "Collège 4 à 9 %, Collège 5 à 1 %"),
        ((100,), "Collège 1 à 100 %"),
        ((40, 25, 25), "font 90 %"),
        ((50, 50, 10), "font 110 %"),
    ],
)
def test_configurations_refusees(poids, message):
    with pytest.raises(GouvernanceError, match=message):
        verifier_colleges(saisis(*poids))


def test_deux_colleges_du_meme_nom():
    with pytest.raises(GouvernanceError, match="même nom"):
        verifier_colleges([CollegeSaisi("Habitants", 50), CollegeSaisi("habitants ", 50)])


@pytest.mark.django_db
def test_un_college_retire_reste_pour_l_histoire(cogerant, structures_associees):
    par = acteur(cogerant)
    a, b, c = definir_colleges(colleges=saisis(40, 40, 20), par=par)
    affecter_colleges(affectations={structures_associees[0].pk: c.pk}, par=par)
    with pytest.raises(GouvernanceError):
        definir_colleges(colleges=saisis(60, 40), par=par)
    assert College.objects.filter(actif=True).count() == 3  # nothing written

    definir_colleges(
        colleges=[CollegeSaisi("Collège 1", 50, a.pk), CollegeSaisi("Collège 2", 50, b.pk)],
        par=par,
    )
    c.refresh_from_db()
    assert not c.actif
    assert Associe.objects.get(pk=structures_associees[0].pk).college is None
    # Its name is free again among active colleges.
    definir_colleges(
        colleges=[
            CollegeSaisi("Collège 1", 40, a.pk),
            CollegeSaisi("Collège 2", 40, b.pk),
            CollegeSaisi("Collège 3", 20),
        ],
        par=par,
    )
    assert College.objects.filter(nom="Collège 3").count() == 2
