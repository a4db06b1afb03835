"""Formulaire d'un événement du pôle, et le filtre de leur liste."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from habitants import selectors as habitants_selectors
from phares.forms import ChoixDeModeleFilter, DateBornee

from ..models import Axe, Evenement, Projet
from ..services import evenements as services

ANNEE_MIN, ANNEE_MAX = 1900, 2999


class EvenementForm(forms.ModelForm):
    """Sans réservation liée, on saisit la date et le lieu ; liée, ils viennent de la
    réservation (affichés, pas modifiables ici) et on peut l'en détacher."""

    delier = forms.BooleanField(
        label="Détacher l'événement de sa réservation",
        required=False,
        help_text="Il garde la date et le lieu de la réservation, modifiables ensuite ici.",
    )

    class Meta:
        model = Evenement
        fields = [
            "titre",
            "type",
            "axe",
            "projet",
            "date",
            "date_fin",
            "lieu",
            "structures",
            "description",
            "public",
        ]
        field_classes = {"date": DateBornee, "date_fin": DateBornee}
        widgets = {
            "structures": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "axe": "Vide : l'axe du projet choisi.",
            "structures": "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        }

    def __init__(self, *args, user, reservation=None, **kwargs):
        if reservation is not None:
            # Created from a booking: its title, day and room, and the link itself.
            instance = Evenement(reservation=reservation)
            services.copier_reservation(instance, reservation)
            kwargs["instance"] = instance
            kwargs["initial"] = {"titre": reservation.titre, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.reservation = self.instance.reservation if self.instance.reservation_id else None
        self.fields["axe"].required = False
        self.fields["axe"].queryset = Axe.objects.all()
        self.fields["axe"].empty_label = "— selon le projet —"
        projets = services.projets_modifiables(user)
        if self.instance.projet_id:
            # The current project stays listed (a gestion-made link, a project left since).
            projets = Projet.objects.filter(
                Q(pk__in=projets.values("pk")) | Q(pk=self.instance.projet_id)
            ).order_by("nom")
        self.fields["projet"].queryset = projets
        self.fields["projet"].required = not services.roles.is_gestion(user)
        self.fields["structures"].queryset = habitants_selectors.structures_actives()
        self.fields["structures"].required = False
        if self.reservation is not None:
            for name in ("date", "date_fin", "lieu"):
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.fields[name].help_text = "Repris de la réservation de salle."
        if self.instance.reservation_id is None:
            del self.fields["delier"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("axe"):
            projet = cleaned.get("projet")
            if projet is not None:
                cleaned["axe"] = projet.axe
            elif "axe" not in self.errors:
                self.add_error(
                    "axe", "Choisissez l'axe, ou un projet dont l'événement prend l'axe."
                )
        debut, fin = cleaned.get("date"), cleaned.get("date_fin")
        if self.reservation is None and debut and fin and fin < debut:
            self.add_error("date_fin", "Le dernier jour ne peut pas précéder le premier.")
        return cleaned


class EvenementFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(
        label="Année", method="filtrer_annee", min_value=ANNEE_MIN, max_value=ANNEE_MAX
    )
    axe = ChoixDeModeleFilter(label="Axe", queryset=Axe.objects.all(), empty_label="Tous les axes")
    type = django_filters.ChoiceFilter(
        label="Type", choices=Evenement.Type.choices, empty_label="Tous les types"
    )
    projet = ChoixDeModeleFilter(
        label="Projet", queryset=Projet.objects.order_by("nom"), empty_label="Tous les projets"
    )

    class Meta:
        model = Evenement
        fields: list[str] = []

    def filtrer_annee(self, queryset, name, value):
        from .. import selectors

        return queryset.filter(pk__in=selectors.evenements_de_l_annee(int(value)).values("pk"))
