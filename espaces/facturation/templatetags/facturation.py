"""Filtres des factures (PDF et pages) : quantités, taux, unités, IBAN."""

from decimal import Decimal

from django import template

from phares.lib.money import format_euros, format_prix_unitaire

register = template.Library()

UNITES = {"MON": "mois", "HUR": "h", "DAY": "j", "C62": ""}


@register.filter
def euros(value):
    return format_euros(value)


@register.filter
def prix_unitaire(value):
    return format_prix_unitaire(value)


@register.filter
def quantite(value: Decimal) -> str:
    """3.000 -> « 3 », 1.500 -> « 1,5 »."""
    if value is None:
        return ""
    texte = f"{Decimal(value).normalize():f}"
    return texte.replace(".", ",")


@register.filter
def taux(value: Decimal) -> str:
    """20.00 -> « 20 % », 5.50 -> « 5,5 % »."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}".replace(".", ",") + "\u00a0%"


@register.filter
def unite(code: str) -> str:
    return UNITES.get(code, code)


@register.filter
def iban(value: str) -> str:
    """Par groupes de quatre, comme on le recopie."""
    compact = (value or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
