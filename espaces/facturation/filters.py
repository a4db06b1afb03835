import django_filters
from django.db.models import Q
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.forms import ChoixDeModeleFilter

from .forms import MoisField
from .models import Facture, Paiement
from .selectors import DEMI_CENTIME


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
    paiement = django_filters.ChoiceFilter(
        label="Paiement",
        choices=[
            ("dues", "Restant dues"),
            ("en_retard", "En retard"),
            ("partielles", "Partiellement payées"),
            ("payees", "Réglées"),
        ],
        empty_label="Réglées ou non",
        method="filtrer_paiement",
    )
    structure = ChoixDeModeleFilter(
        label="Structure",
        queryset=lambda request: habitants_selectors.structures_a_choisir(),
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

    def filtrer_paiement(self, queryset, name, value):
        """Sur une liste annotée par selectors.avec_soldes."""
        factures = queryset.filter(statut=Facture.Statut.EMISE, type=Facture.Type.FACTURE)
        if value == "payees":
            return factures.filter(reste__lte=DEMI_CENTIME)
        factures = factures.filter(reste__gt=DEMI_CENTIME)
        if value == "partielles":
            # As the dashboard: a payment received, a rest to match (not being debited).
            return factures.filter(paye__gt=DEMI_CENTIME, presentee=False)
        if value == "en_retard":
            # As the overdue list: an invoice being collected by direct debit is not chased.
            return factures.filter(date_echeance__lt=timezone.localdate(), presentee=False)
        return factures


class PaiementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Client, référence ou facture", method="filtrer_texte")
    moyen = django_filters.ChoiceFilter(
        label="Moyen", choices=Paiement.Moyen.choices, empty_label="Tous les moyens"
    )
    mois = MoisFilter(label="Reçus en", method="filtrer_mois")
    annules = django_filters.BooleanFilter(
        label="Annulés",
        method="filtrer_annules",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Paiement
        fields: list[str] = []

    def filtrer_texte(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(
            Q(structure__nom__icontains=value)
            | Q(client_externe__nom__icontains=value)
            | Q(reference__icontains=value)
            | Q(imputations__facture__numero__icontains=value)
        ).distinct()

    def filtrer_mois(self, queryset, name, value):
        return queryset.filter(date__year=value.year, date__month=value.month)

    def filtrer_annules(self, queryset, name, value):
        return queryset.filter(annule_le__isnull=not value)
