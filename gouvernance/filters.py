"""Recherche dans le registre des décisions (procès-verbaux approuvés)."""

import django_filters
from django.db.models import Q

from . import selectors
from .models import Decision, Seance


def _annees():
    return [(str(a), str(a)) for a in selectors.annees_du_registre()]


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Texte ou référence", method="filtrer_texte")
    annee = django_filters.ChoiceFilter(
        label="Année", choices=_annees, empty_label="Toutes les années", method="filtrer_annee"
    )
    type = django_filters.ChoiceFilter(
        label="Séance",
        choices=Seance.Type.choices,
        empty_label="Toutes les séances",
        field_name="seance__type",
    )
    categorie = django_filters.ChoiceFilter(
        label="Catégorie", choices=Decision.Categorie.choices, empty_label="Toutes les catégories"
    )
    statut = django_filters.ChoiceFilter(
        label="Statut",
        choices=[*Decision.Resultat.choices, ("corrigee", "Corrigée depuis")],
        empty_label="Tous les statuts",
        method="filtrer_statut",
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def filtrer_texte(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(titre__icontains=value) | Q(texte__icontains=value)
        )

    def filtrer_annee(self, queryset, name, value):
        # The year of the meeting in Paris (USE_TZ: __year converts to the current zone).
        return queryset.filter(seance__debut__year=int(value))

    def filtrer_statut(self, queryset, name, value):
        if value == "corrigee":
            return queryset.filter(corrections__reference__isnull=False).distinct()
        return queryset.filter(resultat=value)
