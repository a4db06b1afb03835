"""Filtres des pages des emplois mutualisés : un nombre à la française (« 0,5 », « 33,33 »)."""

from django import template

from phares.lib.money import format_nombre

register = template.Library()


@register.filter
def nombre(valeur):
    """Decimal("0.50") -> « 0,5 » ; vide -> « »."""
    return format_nombre(valeur) if valeur is not None and valeur != "" else ""
