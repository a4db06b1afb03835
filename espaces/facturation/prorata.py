"""Le loyer d'une partie de mois : la règle écrite une fois.

Les dates sont incluses aux deux bornes (phares.lib.dates). Une convention présente les jours
[a, b] d'un mois de n jours paie

    arrondi(loyer × b / n) − arrondi(loyer × (a − 1) / n)

(arrondi au centime, demi supérieur) : la part cumulée à la fin de son dernier jour, moins
celle d'avant son premier. Un mois entier vaut donc exactement le loyer mensuel, et des
périodes qui se suivent dans un mois (départ le 14, arrivée le 15 ; changement de tarif au
milieu du mois) s'additionnent au centime près au loyer du mois, sans centime perdu ni payé
deux fois. Jamais négatif : la part cumulée croît avec les jours.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from phares.lib.money import round_cents


@dataclass(frozen=True)
class Prorata:
    debut: datetime.date  # first day billed, inclusive
    fin: datetime.date  # last day billed, inclusive
    jours: int
    jours_du_mois: int
    montant_ht: Decimal

    @property
    def mois_entier(self) -> bool:
        return self.jours == self.jours_du_mois


def _cumul(loyer: Decimal, jour: int, n: int) -> Decimal:
    return round_cents(loyer * jour / n)


def prorata(
    loyer_mensuel: Decimal,
    mois: datetime.date,
    debut: datetime.date,
    fin: datetime.date | None,
) -> Prorata | None:
    """La part du mois de `mois` d'une période [debut, fin] (fin vide : sans terme) au loyer
    mensuel `loyer_mensuel` ; None si la période ne touche pas le mois."""
    if loyer_mensuel < 0:
        raise ValueError("Un loyer n'est pas négatif.")
    n = calendar.monthrange(mois.year, mois.month)[1]
    premier, dernier = mois.replace(day=1), mois.replace(day=n)
    a, b = max(debut, premier), min(fin or dernier, dernier)
    if a > b:
        return None
    montant = _cumul(loyer_mensuel, b.day, n) - _cumul(loyer_mensuel, a.day - 1, n)
    return Prorata(a, b, b.day - a.day + 1, n, montant)
