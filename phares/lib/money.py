"""Argent : toujours Decimal, arrondi au centime par ligne (demi supérieur)."""

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
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return sign + THIN_NBSP.join(groups) + "," + cents + NBSP + "€"
