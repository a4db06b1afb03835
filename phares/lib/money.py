"""Argent : toujours Decimal, arrondi au centime par ligne (demi supérieur)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NBSP = "\u00a0"
THIN_NBSP = "\u202f"


def round_cents(value: Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Pas de float pour de l'argent : utilisez Decimal.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euros(value: Decimal | None) -> str:
    """1234.5 -> « 1 234,50 € » (espace insécable fine avant les milliers)."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("Pas de float pour de l'argent : utilisez Decimal.")
    value = round_cents(Decimal(value))
    return _en_francais(f"{value:.2f}")


def format_prix_unitaire(value: Decimal | None) -> str:
    """Un prix unitaire, qui peut être plus fin que le centime : « 0,045 € » (un timbre au
    millième), sinon comme format_euros (« 0,10 € »). Les montants facturés, eux, sont
    arrondis par ligne."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("Pas de float pour de l'argent : utilisez Decimal.")
    value = Decimal(value)
    if value == round_cents(value):
        return format_euros(value)
    return _en_francais(format(value.normalize(), "f"))


def format_nombre(value: Decimal | None) -> str:
    """Un nombre décimal à la française, sans zéros inutiles : 12.50 -> « 12,5 »,
    3.000 -> « 3 » (quantités, taux, surfaces)."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("Pas de float : utilisez Decimal.")
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _en_francais(texte: str) -> str:
    """« -1234.5 » -> « -1 234,5 € » (espace fine insécable entre les milliers)."""
    # "-0.00" (a tiny negative rounded away) prints without its sign.
    sign = "-" if texte.startswith("-") and texte.strip("-0.") else ""
    units, decimales = texte.lstrip("-").split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return sign + THIN_NBSP.join(groups) + "," + decimales + NBSP + "€"


TAUX_MAX = Decimal("100")


@dataclass(frozen=True)
class Montant:
    """Un montant facturable : HT, taux de TVA (en %), TVA et TTC, au centime.

    Règle d'arrondi unique (celle de toutes les lignes de facture) : le HT est arrondi au
    centime (demi supérieur), la TVA est calculée sur ce HT arrondi puis arrondie à son tour,
    et le TTC est leur somme. Le constructeur refuse un triplet incohérent.
    """

    ht: Decimal
    taux_tva: Decimal
    tva: Decimal
    ttc: Decimal

    def __post_init__(self):
        for name in ("ht", "taux_tva", "tva", "ttc"):
            if not isinstance(getattr(self, name), Decimal):
                raise TypeError(f"Montant.{name} doit être un Decimal.")
        if not Decimal(0) <= self.taux_tva <= TAUX_MAX:
            raise ValueError(f"Taux de TVA hors bornes : {self.taux_tva} %.")
        for name in ("ht", "tva", "ttc"):
            if getattr(self, name) != round_cents(getattr(self, name)):
                raise ValueError(f"Montant.{name} n'est pas arrondi au centime.")
        if self.ht + self.tva != self.ttc:
            raise ValueError(f"HT {self.ht} + TVA {self.tva} ≠ TTC {self.ttc}.")
        if self.tva != _tva(self.ht, self.taux_tva):
            raise ValueError(f"TVA {self.tva} ≠ {self.taux_tva} % de {self.ht}.")

    @classmethod
    def depuis_ht(cls, ht: Decimal, taux_tva: Decimal) -> Montant:
        """Le montant d'une ligne à partir de son HT (non arrondi : quantité × prix)."""
        if isinstance(ht, float) or isinstance(taux_tva, float):
            raise TypeError("Pas de float pour de l'argent : utilisez Decimal.")
        ht = round_cents(Decimal(ht))
        taux = Decimal(taux_tva)
        tva = _tva(ht, taux)
        return cls(ht=ht, taux_tva=taux, tva=tva, ttc=ht + tva)

    @classmethod
    def zero(cls, taux_tva: Decimal = Decimal("0")) -> Montant:
        return cls.depuis_ht(Decimal(0), taux_tva)

    @property
    def est_nul(self) -> bool:
        return self.ht == 0


def _tva(ht: Decimal, taux: Decimal) -> Decimal:
    return round_cents(ht * taux / 100)
