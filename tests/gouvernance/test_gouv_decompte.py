"""Le décompte des voix, en tables : une voix par associé·e, pondéré par collège, abstentions,
majorité simple ou des deux tiers, quorum. Rien ne lit la base."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured

from gouvernance import regles
from gouvernance.decompte import (
    Voix,
    VoixCollege,
    compter,
    compter_par_college,
    quorum_atteint,
    requis,
)
from gouvernance.regles import Majorite

SIMPLE = Majorite(Fraction(1, 2), stricte=True)
DEUX_TIERS = Majorite(Fraction(2, 3), stricte=False)


@pytest.mark.parametrize(
    ("pour", "contre", "abst", "majorite", "base", "adoptee", "part"),
    [
        # One associate, one vote: more than half of the votes cast.
        (3, 1, 0, SIMPLE, "exprimees", True, Fraction(3, 4)),
        (2, 2, 0, SIMPLE, "exprimees", False, Fraction(1, 2)),  # a tie is not a majority
        (2, 1, 5, SIMPLE, "exprimees", True, Fraction(2, 3)),  # abstentions not counted
        (2, 1, 5, SIMPLE, "votants", False, Fraction(2, 8)),  # … unless they are
        (0, 0, 4, SIMPLE, "exprimees", False, None),  # nobody expressed a vote
        # Two thirds (AGE): at least two thirds.
        (8, 4, 0, DEUX_TIERS, "exprimees", True, Fraction(2, 3)),
        (7, 4, 1, DEUX_TIERS, "exprimees", False, Fraction(7, 11)),
        (10, 2, 3, DEUX_TIERS, "votants", True, Fraction(10, 15)),
        (9, 2, 4, DEUX_TIERS, "votants", False, Fraction(9, 15)),
    ],
)
def test_une_voix_par_associe(pour, contre, abst, majorite, base, adoptee, part):
    r = compter(Voix(pour, contre, abst), majorite=majorite, base=base)
    assert (r.adoptee, r.part_pour, r.pondere) == (adoptee, part, False)


def colleges(*lignes):
    return [VoixCollege(nom, Decimal(poids), Voix(*voix)) for nom, poids, voix in lignes]


@pytest.mark.parametrize(
    ("lignes", "majorite", "adoptee", "pourcentage"),
    [
        # 40/25/25/10: the founders' college alone does not carry a decision.
        (
            [("Fondateurs", 40, (3, 0, 0)), ("Salariés", 25, (0, 2, 0)),
             ("Habitants", 25, (0, 5, 0)), ("Partenaires", 10, (0, 1, 0))],
            SIMPLE, False, Decimal("40.0000"),
        ),
        # Founders and employees for, a fifth of the residents: 40 + 25 + 5 = 70 %.
        (
            [("Fondateurs", 40, (3, 0, 0)), ("Salariés", 25, (2, 0, 0)),
             ("Habitants", 25, (1, 4, 0)), ("Partenaires", 10, (0, 1, 0))],
            SIMPLE, True, Decimal("70.0000"),
        ),
        # Within a college, its majority share weighs: 40×2/3 + 25×1/2 + 25×1 + 10×0.
        (
            [("Fondateurs", 40, (2, 1, 0)), ("Salariés", 25, (1, 1, 0)),
             ("Habitants", 25, (4, 0, 2)), ("Partenaires", 10, (0, 1, 0))],
            DEUX_TIERS, False, Decimal("64.1667"),
        ),
        # A college with no vote cast does not weigh: renormalised over 90 %.
        (
            [("Fondateurs", 40, (2, 0, 0)), ("Salariés", 25, (1, 1, 0)),
             ("Habitants", 25, (3, 0, 0)), ("Partenaires", 10, (0, 0, 1))],
            DEUX_TIERS, True, Decimal("86.1111"),
        ),
    ],
)  # fmt: skip
def test_pondere_par_college(lignes, majorite, adoptee, pourcentage):
    r = compter_par_college(colleges(*lignes), majorite=majorite, base="exprimees")
    assert (r.adoptee, r.pourcentage, r.pondere) == (adoptee, pourcentage, True)


def test_aucun_college_exprime_est_rejete():
    r = compter_par_college(
        colleges(("A", 50, (0, 0, 2)), ("B", 50, (0, 0, 1))), majorite=SIMPLE, base="exprimees"
    )
    assert not r.adoptee and r.part_pour is None


@pytest.mark.parametrize(
    ("comptes", "inscrits", "fraction", "atteint", "il_faut"),
    [
        (3, 12, Fraction(1, 4), True, 3),  # AGE, first convocation: a quarter
        (2, 12, Fraction(1, 4), False, 3),
        (4, 13, Fraction(1, 4), True, 4),  # a quarter of 13 is 3.25: 4 people
        (3, 13, Fraction(1, 4), False, 4),
        (3, 13, Fraction(1, 5), True, 3),  # second convocation: a fifth
        (1, 12, None, True, 0),  # AGO on second convocation: no quorum
        (0, 0, Fraction(1, 5), False, 0),
    ],
)
def test_quorum(comptes, inscrits, fraction, atteint, il_faut):
    assert quorum_atteint(comptes, inscrits, fraction) is atteint
    assert requis(inscrits, fraction) == il_faut


def test_regles_par_defaut():
    regles.verifier_reglages()
    assert regles.quorum("age", 1) == Fraction(1, 4)
    assert regles.quorum("age", 2) == Fraction(1, 5)
    assert regles.quorum("ago", 1) == Fraction(1, 5)
    assert regles.quorum("ago", 2) is None
    assert regles.quorum("cogerance", 1) is None
    assert regles.majorite("age") == Majorite(Fraction(2, 3), stricte=False)
    assert regles.majorite("cogerance").libelle == "plus de la moitié"
    assert regles.procurations_max() == 1
    assert regles.base_majorite() == "exprimees"


@pytest.mark.parametrize(
    ("nom", "valeur"),
    [
        ("GOUVERNANCE_MAJORITES", {"age": "deux tiers"}),
        ("GOUVERNANCE_MAJORITES", {"age": ">3/2"}),
        ("GOUVERNANCE_QUORUMS", {"age": {1: "un quart"}}),
        ("GOUVERNANCE_BASE_MAJORITE", "tout le monde"),
        ("GOUVERNANCE_PROCURATIONS_MAX", -1),
    ],
)
def test_une_regle_mal_ecrite_est_refusee(settings, nom, valeur):
    setattr(settings, nom, valeur)
    with pytest.raises(ImproperlyConfigured):
        regles.verifier_reglages()
