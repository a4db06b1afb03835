"""Les règles des statuts que PHARES applique en séance, lues dans les réglages (voir
phares/settings.py et docs/decisions.md, « Gouvernance — séances et décisions ») : quorum
par type de séance et par convocation, majorité par type de séance, base de la majorité,
nombre de procurations par associé·e. Une valeur mal écrite lève ImproperlyConfigured au
premier usage (et `tests/gouvernance/test_regles.py` lit les valeurs par défaut).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BASES = {
    "exprimees": "des voix exprimées (les abstentions ne comptent pas)",
    "votants": "des votants (une abstention pèse comme un vote contre)",
}
_MAJORITE = re.compile(r"^\s*(>=|>)\s*(\d+)\s*/\s*(\d+)\s*$")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
NOMS_FRACTIONS = {
    Fraction(1, 2): "la moitié",
    Fraction(2, 3): "les deux tiers",
    Fraction(3, 4): "les trois quarts",
    Fraction(1, 3): "le tiers",
    Fraction(1, 4): "le quart",
    Fraction(1, 5): "le cinquième",
}


def nom_fraction(f: Fraction) -> str:
    return NOMS_FRACTIONS.get(f, f"{f.numerator}/{f.denominator}")


@dataclass(frozen=True)
class Majorite:
    """« Plus de la moitié » (stricte) ou « au moins les deux tiers » des voix de la base."""

    seuil: Fraction
    stricte: bool

    def atteinte(self, part: Fraction) -> bool:
        return part > self.seuil if self.stricte else part >= self.seuil

    @property
    def libelle(self) -> str:
        quoi = "plus de" if self.stricte else "au moins"
        return f"{quoi} {nom_fraction(self.seuil)}"


def _fraction(texte: str, quoi: str) -> Fraction:
    m = _FRACTION.match(str(texte))
    if not m or int(m.group(2)) == 0 or not 0 < Fraction(int(m.group(1)), int(m.group(2))) <= 1:
        raise ImproperlyConfigured(f"{quoi} : une fraction entre 0 et 1 (« 1/4 »), pas {texte!r}.")
    return Fraction(int(m.group(1)), int(m.group(2)))


def majorite(type_seance: str) -> Majorite:
    texte = settings.GOUVERNANCE_MAJORITES.get(type_seance)
    m = _MAJORITE.match(str(texte)) if texte is not None else None
    if m is None:
        raise ImproperlyConfigured(
            f"GOUVERNANCE_MAJORITES[{type_seance!r}] : « >1/2 » ou « >=2/3 », pas {texte!r}."
        )
    seuil = _fraction(f"{m.group(2)}/{m.group(3)}", f"GOUVERNANCE_MAJORITES[{type_seance!r}]")
    return Majorite(seuil=seuil, stricte=m.group(1) == ">")


def quorum(type_seance: str, convocation: int) -> Fraction | None:
    """Fraction des inscrits qui doivent être présents ou représentés, ou None."""
    par_convocation = settings.GOUVERNANCE_QUORUMS.get(type_seance)
    if par_convocation is None or convocation not in par_convocation:
        raise ImproperlyConfigured(
            f"GOUVERNANCE_QUORUMS[{type_seance!r}][{convocation}] manque dans les réglages."
        )
    texte = par_convocation[convocation]
    if texte is None:
        return None
    return _fraction(texte, f"GOUVERNANCE_QUORUMS[{type_seance!r}][{convocation}]")


def base_majorite() -> str:
    base = settings.GOUVERNANCE_BASE_MAJORITE
    if base not in BASES:
        raise ImproperlyConfigured(
            f"GOUVERNANCE_BASE_MAJORITE : {' ou '.join(BASES)}, pas {base!r}."
        )
    return base


def procurations_max() -> int:
    n = settings.GOUVERNANCE_PROCURATIONS_MAX
    if not isinstance(n, int) or n < 0:
        raise ImproperlyConfigured(f"GOUVERNANCE_PROCURATIONS_MAX : un entier ≥ 0, pas {n!r}.")
    return n


def verifier_reglages() -> None:
    """Lit chaque règle une fois (test et démarrage) : une faute de frappe se voit tout de
    suite, pas le jour de l'assemblée."""
    for type_seance in settings.GOUVERNANCE_MAJORITES:
        majorite(type_seance)
    for type_seance, par_convocation in settings.GOUVERNANCE_QUORUMS.items():
        for convocation in par_convocation:
            quorum(type_seance, convocation)
    base_majorite()
    procurations_max()
