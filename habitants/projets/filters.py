"""Filtres des listes de la vie du pôle."""

from __future__ import annotations

import datetime

import django_filters
from django import forms

from habitants import selectors as habitants_selectors
from phares.forms import DATE_MAX, DATE_MIN, ChoixDeModeleFilter
from phares.lib import dates

from .models import Axe, Projet


class AnneeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ProjetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom", method="filtrer_nom")
    axe = ChoixDeModeleFilter(label="Axe", queryset=Axe.objects.all(), empty_label="Tous les axes")
    annee = AnneeFilter(
        label="Année",
        method="filtrer_annee",
        min_value=DATE_MIN.year,
        max_value=DATE_MAX.year,
    )
    statut = django_filters.ChoiceFilter(
        label="État", choices=Projet.Statut.choices, empty_label="Tous les états"
    )
    structure = ChoixDeModeleFilter(
        label="Structure",
        queryset=habitants_selectors.structures_a_choisir()
        .filter(participations_projets__isnull=False)
        .distinct(),
        empty_label="Toutes les structures",
        method="filtrer_structure",
    )

    class Meta:
        model = Projet
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["annee"].widget.attrs.update({"inputmode": "numeric"})

    def filtrer_nom(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(nom__icontains=value) if value else queryset

    def filtrer_annee(self, queryset, name, value):
        annee = int(value)
        return queryset.filter(
            dates.overlapping(
                datetime.date(annee, 1, 1), datetime.date(annee, 12, 31), "debut", "fin"
            )
        )

    def filtrer_structure(self, queryset, name, value):
        return queryset.filter(participations__structure=value)
