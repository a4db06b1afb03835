"""Filtres des factures (PDF et pages) : quantités, taux, unités, IBAN. Les montants
passent par les filtres `euros` et `prix_unitaire` de phares (intégrés à tous les gabarits)."""

from decimal import Decimal

from django import template

from phares.lib.money import format_nombre

register = template.Library()

UNITES = {"MON": "mois", "HUR": "h", "DAY": "j", "C62": ""}


@register.filter
def quantite(value) -> str:
    """3.000 -> « 3 », 1.500 -> « 1,5 »."""
    return format_nombre(value)


@register.filter
def taux(value) -> str:
    """20.00 -> « 20 % », 5.50 -> « 5,5 % »."""
    return "" if value is None else f"{format_nombre(value)}\u00a0%"


@register.filter
def unite(code: str) -> str:
    return UNITES.get(code, code)


@register.filter
def iban(value: str) -> str:
    """Par groupes de quatre, comme on le recopie."""
    compact = (value or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@register.filter
def reste_du(value):
    """Un reste dû annoté (flottant sur SQLite) au centime ; un trop-perçu reste négatif."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


# The badge of each payment state (selectors.EtatPaiement); paid and cancelled: success.
CLASSES_ETAT = {
    "en_retard": "text-bg-danger",
    "partielle": "text-bg-warning",
    "presentee": "text-bg-info",
    "due": "text-bg-light border",
}


@register.filter
def classe_etat(etat) -> str:
    """La classe du badge d'un état de paiement : une recherche dans un dictionnaire plutôt
    qu'un gabarit inclus à chaque ligne de la liste des factures."""
    return CLASSES_ETAT.get(etat, "text-bg-success")
