"""Filtres des listes de partenaires et de subventions."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q

from phares.forms import ChoixDeModeleFilter
from phares.lib import dates

from .models import Partenaire, Projet, Subvention

POUVOIRS_PUBLICS = "pouvoirs_publics"
DU_POLE, DES_HABITANTS = "pole", "habitants"
POLE, PROJET = "pole", "projet"
ANNEE_MIN, ANNEE_MAX = 1900, 2999


class PartenaireFilter(django_filters.FilterSet):
    categorie = django_filters.ChoiceFilter(
        label="Catégorie",
        choices=[
            (POUVOIRS_PUBLICS, "Pouvoirs publics (tous)"),
            *Partenaire.Categorie.choices,
        ],
        empty_label="Toutes",
        method="filter_categorie",
    )
    partenaire_de = django_filters.ChoiceFilter(
        label="Partenaire",
        choices=[
            (DU_POLE, "du pôle (projet collectif)"),
            (DES_HABITANTS, "d'habitants seulement"),
        ],
        empty_label="du pôle ou d'habitants",
        method="filter_partenaire_de",
    )
    q = django_filters.CharFilter(label="Nom, sigle, description", method="filter_q")
    archives = django_filters.BooleanFilter(
        label="Archivés",
        method="filter_archives",
        widget=forms.Select(choices=[("", "Masqués"), ("true", "Seulement eux")]),
    )

    class Meta:
        model = Partenaire
        fields: list[str] = []

    @property
    def qs(self):
        qs = super().qs
        if not (self.form.is_valid() and self.form.cleaned_data.get("archives")):
            qs = qs.filter(archive=False)
        return qs

    def filter_categorie(self, queryset, name, value):
        if value == POUVOIRS_PUBLICS:
            return queryset.filter(categorie__in=Partenaire.POUVOIRS_PUBLICS)
        return queryset.filter(categorie=value)

    def filter_partenaire_de(self, queryset, name, value):
        if value == DU_POLE:
            return queryset.filter(du_pole=True)
        return queryset.filter(du_pole=False)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(nom__icontains=value) | Q(sigle__icontains=value) | Q(description__icontains=value)
        )

    def filter_archives(self, queryset, name, value):
        return queryset.filter(archive=True) if value else queryset


class SubventionFilter(django_filters.FilterSet):
    financeur = ChoixDeModeleFilter(
        label="Financeur",
        queryset=lambda request: (
            Partenaire.objects.filter(subventions__isnull=False).distinct().order_by("nom")
        ),
        empty_label="Tous",
    )
    statut = django_filters.ChoiceFilter(
        label="État", choices=Subvention.Statut.choices, empty_label="Tous"
    )
    annee = django_filters.NumberFilter(
        label="Année", method="filter_annee", min_value=ANNEE_MIN, max_value=ANNEE_MAX
    )
    objet = django_filters.ChoiceFilter(
        label="Pour",
        choices=[(POLE, "le PHARES dans son ensemble"), (PROJET, "un projet")],
        empty_label="le PHARES ou un projet",
        method="filter_objet",
    )
    projet = ChoixDeModeleFilter(
        label="Projet",
        queryset=lambda request: (
            Projet.objects.filter(subventions__isnull=False).distinct().order_by("nom")
        ),
        empty_label="Tous",
    )

    class Meta:
        model = Subvention
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["annee"].error_messages.update(
            {
                "invalid": "Saisissez une année (par exemple 2015).",
                "min_value": f"Une année va de {ANNEE_MIN} à {ANNEE_MAX}.",
                "max_value": f"Une année va de {ANNEE_MIN} à {ANNEE_MAX}.",
            }
        )

    def filter_annee(self, queryset, name, value):
        """La période de la subvention touche l'année (un jour suffit)."""
        annee = int(value)
        return queryset.filter(
            dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
        )

    def filter_objet(self, queryset, name, value):
        return queryset.filter(projet__isnull=value == POLE)
