from decimal import ROUND_HALF_UP, Decimal

from django import template

from phares.lib.money import format_nombre

register = template.Library()


@register.filter
def pourcent(value):
    """{{ 62.5000|pourcent }} -> « 62,5 % » (deux décimales au plus)."""
    if value in (None, ""):
        return ""
    arrondi = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{format_nombre(arrondi)} %"


@register.filter
def voix(decision):
    """« 3 pour, 0 contre, 1 abstention » ; « consensus »."""
    if decision.mode == "consensus":
        return "consensus"
    abst = decision.abstention or 0
    return (
        f"{decision.pour} pour, {decision.contre} contre, "
        f"{abst} abstention{'s' if abst > 1 else ''}"
    )
