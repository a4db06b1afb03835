import django_filters
from django.db.models import Q
from django.utils import timezone

from gouvernance.selectors import associe_filter_q

from .models import Domaine, Structure


def _associe_q():
    # Associate status belongs to the SCIC (gouvernance); read through its selector.
    return associe_filter_q(le=timezone.localdate())


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom", method="filter_q")
    domaine = django_filters.ModelChoiceFilter(
        label="Domaine", queryset=Domaine.objects.all(), empty_label="Tous les domaines"
    )
    presence = django_filters.ChoiceFilter(
        label="Présence",
        empty_label="Toutes",
        choices=[
            ("presentes", "Présentes aujourd'hui"),
            ("parties", "Parties"),
            ("a_venir", "À venir"),
        ],
        method="filter_presence",
    )
    associe = django_filters.ChoiceFilter(
        label="Associée de la SCIC",
        empty_label="Peu importe",
        choices=[("oui", "Oui"), ("non", "Non")],
        method="filter_associe",
    )
    archivees = django_filters.ChoiceFilter(
        label="Archivées",
        empty_label="Masquées",
        choices=[("inclure", "Incluses"), ("seules", "Seules")],
        method="filter_archivees",
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("archivees"):
            qs = qs.filter(archivee=False)
        return qs

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(nom__icontains=value) | Q(sigle_developpe__icontains=value))

    def filter_presence(self, queryset, name, value):
        today = timezone.localdate()
        if value == "presentes":
            return queryset.presentes(today)
        if value == "parties":
            return queryset.parties(today)
        if value == "a_venir":
            return queryset.filter(Q(arrivee__gt=today) | Q(arrivee__isnull=True))
        return queryset

    def filter_associe(self, queryset, name, value):
        if value == "oui":
            return queryset.filter(_associe_q())
        if value == "non":
            return queryset.exclude(_associe_q())
        return queryset

    def filter_archivees(self, queryset, name, value):
        if value == "seules":
            return queryset.filter(archivee=True)
        return queryset


class AnnuaireFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Rechercher", method="filter_q")
    domaine = django_filters.ModelChoiceFilter(
        label="Domaine", queryset=Domaine.objects.all(), empty_label="Tous les domaines"
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(nom__icontains=value)
            | Q(description__icontains=value)
            | Q(domaine__nom__icontains=value)
        )
