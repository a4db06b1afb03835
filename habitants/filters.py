import django_filters
from django.db.models import Q
from django.utils import timezone

from phares.forms import ChoixDeModeleFilter
from phares.lib import panels

from .models import Domaine, Structure


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom", method="filter_q")
    domaine = ChoixDeModeleFilter(
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
    archivees = django_filters.ChoiceFilter(
        label="Archivées",
        empty_label="Masquées",
        choices=[("inclure", "Incluses"), ("seules", "Seules")],
        method="filter_archivees",
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One yes/no filter per quality another app registered (associate of the SCIC…).
        for qualite in panels.qualites():
            f = django_filters.ChoiceFilter(
                field_name=qualite.code,
                label=qualite.libelle,
                empty_label="Peu importe",
                choices=[("oui", "Oui"), ("non", "Non")],
                method=self.filter_qualite,
            )
            f.qualite = qualite
            self.filters[qualite.code] = f
            f.parent = self

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

    def filter_qualite(self, queryset, name, value):
        ids = self.filters[name].qualite.structures(timezone.localdate())
        if value == "oui":
            return queryset.filter(pk__in=ids)
        if value == "non":
            return queryset.exclude(pk__in=ids)
        return queryset

    def filter_archivees(self, queryset, name, value):
        if value == "seules":
            return queryset.filter(archivee=True)
        return queryset


class AnnuaireFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Rechercher", method="filter_q")
    domaine = ChoixDeModeleFilter(
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
