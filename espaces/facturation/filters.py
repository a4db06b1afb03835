import django_filters
from django.db.models import Q

from habitants import selectors as habitants_selectors

from .forms import MoisField
from .models import Facture


class MoisFilter(django_filters.Filter):
    field_class = MoisField


class FactureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Numéro ou client", method="filtrer_texte")
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=Facture.Statut.choices, empty_label="Tous les statuts"
    )
    type = django_filters.ChoiceFilter(
        label="Type", choices=Facture.Type.choices, empty_label="Factures et avoirs"
    )
    mois = MoisFilter(label="Mois facturé", method="filtrer_mois")
    structure = django_filters.ModelChoiceFilter(
        label="Structure",
        queryset=lambda request: habitants_selectors.toutes_structures(),
        empty_label="Toutes les structures",
    )

    class Meta:
        model = Facture
        fields: list[str] = []

    def filtrer_texte(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(
            Q(numero__icontains=value)
            | Q(structure__nom__icontains=value)
            | Q(client_externe__nom__icontains=value)
        )

    def filtrer_mois(self, queryset, name, value):
        return queryset.filter(mois=value)
