"""Le décompte des voix et du quorum, en fractions exactes : rien ici ne lit la base.

- Un·e associé·e (ou un·e cogérant·e en cogérance), une voix ; une procuration fait voter
  l'associé·e représenté·e par son ou sa mandataire.
- Avec des collèges (assemblées), chaque collège décide à la majorité de ses voix, puis son
  résultat pèse son poids : part pondérée du « pour » = Σ poids × (pour / base du collège),
  rapportée aux poids des collèges qui se sont exprimés (un collège sans voix exprimée ne
  compte pas, ni pour ni contre).
- La base est celle des réglages : les voix exprimées (pour + contre) ou les votants
  (pour + contre + abstentions). Sans aucune voix dans la base, la décision est rejetée.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .regles import Majorite


@dataclass(frozen=True)
class Voix:
    pour: int
    contre: int
    abstention: int

    def __post_init__(self):
        if min(self.pour, self.contre, self.abstention) < 0:
            raise ValueError("Un nombre de voix n'est pas négatif.")

    @property
    def votants(self) -> int:
        return self.pour + self.contre + self.abstention

    @property
    def exprimees(self) -> int:
        return self.pour + self.contre

    def base(self, base: str) -> int:
        return self.exprimees if base == "exprimees" else self.votants

    def __add__(self, other: Voix) -> Voix:
        return Voix(
            self.pour + other.pour, self.contre + other.contre, self.abstention + other.abstention
        )


AUCUNE = Voix(0, 0, 0)


@dataclass(frozen=True)
class VoixCollege:
    nom: str
    poids: Decimal  # percent
    voix: Voix


@dataclass(frozen=True)
class Resultat:
    adoptee: bool
    part_pour: Fraction | None  # share of "pour" in the base (weighted with colleges)
    pondere: bool
    explication: str

    @property
    def pourcentage(self) -> Decimal | None:
        """La part du « pour » en %, arrondie à 4 décimales (ce que garde la base)."""
        if self.part_pour is None:
            return None
        valeur = Decimal(self.part_pour.numerator) * 100 / Decimal(self.part_pour.denominator)
        return valeur.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def pourcent(f: Fraction) -> str:
    """« 66,67 % »."""
    valeur = (Decimal(f.numerator) * 100 / Decimal(f.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return f"{valeur.normalize():f}".replace(".", ",") + " %"


def _base_libelle(base: str) -> str:
    return "voix exprimées" if base == "exprimees" else "votants"


def compter(voix: Voix, *, majorite: Majorite, base: str) -> Resultat:
    """Une voix par associé·e (ou cogérant·e)."""
    total = voix.base(base)
    if total == 0:
        return Resultat(
            False, None, False, f"aucune voix parmi les {_base_libelle(base)} : rejetée"
        )
    part = Fraction(voix.pour, total)
    adoptee = majorite.atteinte(part)
    return Resultat(
        adoptee,
        part,
        False,
        f"{voix.pour} pour sur {total} {_base_libelle(base)} ({pourcent(part)}) ; "
        f"il faut {majorite.libelle} : {'adoptée' if adoptee else 'rejetée'}",
    )


def compter_par_college(colleges: list[VoixCollege], *, majorite: Majorite, base: str) -> Resultat:
    """Voix pondérées par collège (art. 19 octies de la loi de 1947)."""
    somme = Fraction(0)
    poids_exprimes = Fraction(0)
    for c in colleges:
        total = c.voix.base(base)
        if total == 0:
            continue  # a college without a vote in the base does not weigh
        poids = Fraction(c.poids)
        somme += poids * Fraction(c.voix.pour, total)
        poids_exprimes += poids
    if poids_exprimes == 0:
        return Resultat(
            False,
            None,
            True,
            f"aucun collège n'a de voix parmi les {_base_libelle(base)} : rejetée",
        )
    part = somme / poids_exprimes
    adoptee = majorite.atteinte(part)
    return Resultat(
        adoptee,
        part,
        True,
        f"{pourcent(part)} pour, pondéré par collège ; il faut {majorite.libelle} : "
        f"{'adoptée' if adoptee else 'rejetée'}",
    )


def requis(inscrits: int, fraction: Fraction | None) -> int:
    """Présents ou représentés qu'il faut pour le quorum (arrondi au-dessus : « le quart de
    13 associés », c'est 4 personnes)."""
    if fraction is None:
        return 0
    return math.ceil(inscrits * fraction)


def quorum_atteint(comptes: int, inscrits: int, fraction: Fraction | None) -> bool:
    if fraction is None:
        return True
    return inscrits > 0 and comptes >= requis(inscrits, fraction)
