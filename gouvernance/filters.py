"""Filtres des listes de la gouvernance : le registre des associés à une date, le grand livre
du capital, le registre des décisions (procès-verbaux approuvés)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from phares.forms import ChoixDeModeleFilter, DateBorneeFilter
from phares.lib import dates

from . import selectors
from .models import Associe, Decision, MouvementCapital, Seance

PRESENTS, SORTIS, A_VENIR, TOUS = "presents", "sortis", "a_venir", "tous"


class RegistreFilter(django_filters.FilterSet):
    le = DateBorneeFilter(label="Registre au", method="_sans_effet")
    etat = django_filters.ChoiceFilter(
        label="Associés",
        choices=[
            (PRESENTS, "Associés ce jour-là"),
            (SORTIS, "Sortis avant ce jour"),
            (A_VENIR, "Admis après ce jour"),
            (TOUS, "Tous"),
        ],
        empty_label=None,
        method="filter_etat",
    )
    categorie = django_filters.ChoiceFilter(
        label="Catégorie", choices=Associe.Categorie.choices, empty_label="Toutes"
    )
    q = django_filters.CharFilter(label="Nom, représentant·e, décision", method="filter_q")

    class Meta:
        model = Associe
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # "Associés ce jour-là" unless asked otherwise: the register of the chosen date.
        data = data.copy() if data is not None else {}
        if not data.get("etat"):
            data["etat"] = PRESENTS
        super().__init__(data, *args, **kwargs)

    @property
    def date(self):
        """Le jour du registre : celui du formulaire, ou aujourd'hui."""
        if self.form.is_valid() and self.form.cleaned_data.get("le"):
            return self.form.cleaned_data["le"]
        return timezone.localdate()

    def _sans_effet(self, queryset, name, value):
        return queryset

    def filter_etat(self, queryset, name, value):
        le = self.date
        if value == PRESENTS:
            return queryset.filter(dates.active_on(le, "entree", "sortie"))
        if value == SORTIS:
            return queryset.filter(sortie__lt=le)
        if value == A_VENIR:
            return queryset.filter(entree__gt=le)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(structure__nom__icontains=value)
            | Q(personne__first_name__icontains=value)
            | Q(personne__last_name__icontains=value)
            | Q(personne__email__icontains=value)
            | Q(nom__icontains=value)
            | Q(representant__first_name__icontains=value)
            | Q(representant__last_name__icontains=value)
            | Q(representant_nom__icontains=value)
            | Q(decision_admission_ref__icontains=value)
        )


class MouvementFilter(django_filters.FilterSet):
    associe = ChoixDeModeleFilter(
        label="Associé",
        queryset=lambda request: Associe.objects.select_related("structure", "personne"),
        empty_label="Tous",
    )
    type = django_filters.ChoiceFilter(
        label="Type", choices=MouvementCapital.Type.choices, empty_label="Tous"
    )
    annee = django_filters.NumberFilter(
        label="Année", field_name="date", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = MouvementCapital
        fields: list[str] = []


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Texte ou référence", method="filtrer_texte")
    annee = django_filters.ChoiceFilter(
        label="Année", choices=[], empty_label="Toutes les années", method="filtrer_annee"
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per page: a callable would be read again by each pass over the choices
        # (validation, rendering) and the view links one registre PDF per year.
        self.annees = selectors.annees_du_registre()
        self.filters["annee"].extra["choices"] = [(str(a), str(a)) for a in self.annees]

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
