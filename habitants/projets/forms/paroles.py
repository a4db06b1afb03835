"""Formulaires des paroles d'habitants ; filtre de leur liste."""

import django_filters
from django import forms

from habitants import selectors as habitants_selectors
from phares.forms import ChoixDeModeleFilter

from ..models import Axe, Parole
from ..services.paroles import ANNEE_MAX, ANNEE_MIN, ANONYME_NOMME, SIGNEE_SANS_NOM


class ParoleForm(forms.ModelForm):
    annee = forms.IntegerField(label="Année", min_value=ANNEE_MIN, max_value=ANNEE_MAX)
    rang = forms.IntegerField(
        label="Ordre",
        min_value=0,
        max_value=32767,
        initial=0,
        help_text="Dans le rapport, les paroles d'un axe se suivent dans cet ordre.",
    )

    class Meta:
        model = Parole
        fields = [
            "texte",
            "anonyme",
            "auteur",
            "structure",
            "annee",
            "axe",
            "dans_le_rapport",
            "rang",
        ]
        widgets = {"texte": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "auteur": "Prénom, ou prénom et nom, avec l'accord de la personne.",
            "anonyme": "Ni la personne ni la structure ne sont alors enregistrées ni affichées.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Archived structures too: a testimonial of 2015 keeps its structure.
        self.fields["structure"].queryset = habitants_selectors.toutes_structures()
        self.fields["structure"].empty_label = "Aucune"
        self.fields["axe"].queryset = Axe.objects.all()
        self.fields["axe"].empty_label = "Aucun"

    def clean(self):
        cleaned = super().clean()
        nomme = bool((cleaned.get("auteur") or "").strip() or cleaned.get("structure"))
        if cleaned.get("anonyme") and nomme:
            raise forms.ValidationError(ANONYME_NOMME)
        if not cleaned.get("anonyme") and not nomme and "anonyme" in cleaned:
            raise forms.ValidationError(SIGNEE_SANS_NOM)
        return cleaned


class ParoleFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(label="Année", min_value=1900, max_value=2999)
    axe = ChoixDeModeleFilter(label="Axe", queryset=Axe.objects.all(), empty_label="Tous")
    dans_le_rapport = django_filters.BooleanFilter(
        label="Dans le rapport",
        widget=forms.Select(choices=[("", "Toutes"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = Parole
        fields: list[str] = []
