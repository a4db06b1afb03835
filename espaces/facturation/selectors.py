"""Lectures de la facturation : qui voit quelles factures, et les listes."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from habitants import selectors as habitants_selectors
from phares.roles import is_staff_member

from .models import Facture, Lot


def factures_visibles(user) -> QuerySet[Facture]:
    """L'équipe voit tout (brouillons compris) ; un·e référent·e voit les factures et avoirs
    émis de ses structures ; personne d'autre ne voit rien."""
    qs = Facture.objects.select_related("structure", "client_externe").defer("vendeur", "acheteur")
    if is_staff_member(user):
        return qs
    return qs.emises().filter(structure__in=habitants_selectors.structures_du_referent(user))


def facture_de_ses_structures(user, pk: int) -> bool:
    """La facture `pk` est-elle émise pour une structure dont `user` est membre (pour dire
    403 à un membre qui n'est pas référent, et 404 à tous les autres) ?"""
    return (
        Facture.objects.emises()
        .filter(pk=pk, structure__in=habitants_selectors.structures_of_member(user))
        .exists()
    )


def est_referent(user) -> bool:
    """Référent·e d'au moins une structure : voit la liste des factures (vide ou non)."""
    return habitants_selectors.structures_du_referent(user).exists()


def lots_a_suivre(nombre: int = 5) -> list[Lot]:
    """Les travaux de fond en cours, puis les derniers finis : `nombre` au plus."""
    en_cours = Case(
        When(statut__in=Lot.STATUTS_EN_COURS, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(Lot.objects.order_by(en_cours, "-cree_le", "-pk")[:nombre])
