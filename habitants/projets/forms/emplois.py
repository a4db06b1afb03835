"""Formulaires des emplois mutualisés (le poste et ses parts, sur une page) et des
engagements (services civiques, stages, contrats)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q

from habitants import selectors as habitants_selectors
from phares.forms import ChoixDeModeleFilter, DateBornee, DecimalFrancais
from phares.lib import dates

from ..models import EmploiMutualise, Engagement, Projet
from ..services import ProjetsError
from ..services.emplois import ETP_MAX, verifier_parts


def _fin_apres_debut(form, cleaned, message: str) -> None:
    debut, fin = cleaned.get("debut"), cleaned.get("fin")
    if debut and fin and fin < debut:
        form.add_error("fin", message)


class EmploiForm(forms.ModelForm):
    etp = DecimalFrancais(
        label="Quotité (ETP)",
        min_value=Decimal("0.01"),
        max_value=ETP_MAX,
        max_digits=4,
        help_text="1 = un temps plein ; 0,5 = un mi-temps.",
    )
    cout_mensuel = DecimalFrancais(
        label="Coût mensuel à répartir (€ HT)",
        required=False,
        min_value=Decimal("0"),
        unite=" en euros",
        help_text="Salaire chargé et frais, par mois ; partagé selon les parts.",
    )

    class Meta:
        model = EmploiMutualise
        fields = [
            "intitule",
            "employeur",
            "employeur_nom",
            "etp",
            "debut",
            "fin",
            "cout_mensuel",
            "facture_par_la_cooperative",
            "projet",
            "description",
        ]
        field_classes = {"debut": DateBornee, "fin": DateBornee}
        labels = {
            "employeur": "Employeur (structure habitante)",
            "employeur_nom": "ou autre employeur",
            "fin": "Fin (dernier jour, inclus)",
        }
        help_texts = {
            "employeur_nom": "Si l'employeur n'est pas un habitant : « La Cité PHARES (SCIC) »…",
            "facture_par_la_cooperative": (
                "La coopérative emploie et refacture : chaque part devient, chaque mois, une "
                "ligne de la facture de la structure (au prorata des jours le premier et le "
                "dernier mois)."
            ),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employeur"].queryset = habitants_selectors.toutes_structures().order_by("nom")
        self.fields["projet"].queryset = Projet.objects.order_by("nom")

    def clean(self):
        cleaned = super().clean()
        _fin_apres_debut(self, cleaned, "La fin du poste ne peut pas précéder son début.")
        employeur, autre = cleaned.get("employeur"), (cleaned.get("employeur_nom") or "").strip()
        if employeur and autre:
            self.add_error(
                "employeur_nom", "Une structure habitante ou un autre employeur, pas les deux."
            )
        elif not employeur and not autre and "employeur_nom" not in self.errors:
            self.add_error(
                "employeur",
                "Choisissez la structure employeuse, ou écrivez le nom de l'employeur.",
            )
        if cleaned.get("facture_par_la_cooperative") and not cleaned.get("cout_mensuel"):
            self.add_error(
                "cout_mensuel", "Un poste refacturé par la coopérative a un coût mensuel."
            )
        return cleaned


class PartForm(forms.Form):
    """Une ligne des parts : une ligne laissée vide (ou cochée « retirer ») ne compte pas."""

    structure = forms.ModelChoiceField(
        label="Structure", queryset=None, required=False, empty_label="— choisir —"
    )
    pourcentage = DecimalFrancais(
        label="Part (%)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        error_messages={
            "min_value": "Une part est supérieure à 0 %.",
            "max_value": "Une part est au plus de 100 %.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.toutes_structures().order_by("nom")

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("DELETE"):
            return cleaned
        structure, pct = cleaned.get("structure"), cleaned.get("pourcentage")
        if structure and pct is None:
            self.add_error("pourcentage", "Indiquez la part de cette structure.")
        elif pct is not None and not structure:
            self.add_error("structure", "Choisissez la structure de cette part.")
        return cleaned


class BasePartFormSet(forms.BaseFormSet):
    def parts(self) -> list[tuple[object, Decimal]]:
        """Les parts saisies (structure, pourcentage), lignes vides et retirées omises."""
        return [
            (f.cleaned_data["structure"], f.cleaned_data["pourcentage"])
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("structure")
            and f.cleaned_data.get("pourcentage") is not None
        ]

    def clean(self):
        if any(self.errors):
            return
        try:
            verifier_parts(self.parts())
        except ProjetsError as exc:
            raise forms.ValidationError(str(exc)) from exc


PartFormSet = forms.formset_factory(
    PartForm, formset=BasePartFormSet, extra=2, can_delete=True, max_num=30, absolute_max=30
)


def parts_formset(data=None, *, emploi: EmploiMutualise | None = None) -> BasePartFormSet:
    initial = []
    if emploi is not None and emploi.pk:
        initial = [
            {"structure": p.structure, "pourcentage": p.pourcentage}
            for p in emploi.parts.select_related("structure").order_by("-pourcentage", "pk")
        ]
    return PartFormSet(data, prefix="parts", initial=initial)


class EngagementForm(forms.ModelForm):
    class Meta:
        model = Engagement
        fields = ["type", "personne_nom", "mission", "structure", "projet", "debut", "fin", "notes"]
        field_classes = {"debut": DateBornee, "fin": DateBornee}
        labels = {
            "personne_nom": "Prénom de la personne (facultatif)",
            "structure": "Structure d'accueil",
            "projet": "Projet",
            "fin": "Fin (dernier jour, inclus)",
        }
        help_texts = {
            "personne_nom": "Un prénom suffit ; vide si la personne préfère ne pas être nommée.",
            "structure": "Vide, comme le projet : au service du pôle lui-même.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.toutes_structures().order_by("nom")
        self.fields["projet"].queryset = Projet.objects.order_by("nom")

    def clean(self):
        cleaned = super().clean()
        _fin_apres_debut(self, cleaned, "La fin de l'engagement ne peut pas précéder son début.")
        return cleaned


# --- Filtres des listes ------------------------------------------------------------------


def _annee_filtre(queryset, name, value):
    annee = int(value)
    return queryset.filter(
        dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
    )


class EmploiFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(
        label="En poste en", method="filter_annee", min_value=1900, max_value=2999
    )
    structure = ChoixDeModeleFilter(
        label="Structure (part ou employeur)",
        queryset=habitants_selectors.toutes_structures().none(),
        method="filter_structure",
        empty_label="Toutes",
    )
    refacture = django_filters.BooleanFilter(
        label="Refacturé par la coopérative", field_name="facture_par_la_cooperative"
    )

    class Meta:
        model = EmploiMutualise
        fields: list[str] = []

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["structure"].queryset = structures
        self.form.fields["structure"].queryset = structures

    def filter_annee(self, queryset, name, value):
        return _annee_filtre(queryset, name, value)

    def filter_structure(self, queryset, name, value):
        return queryset.filter(Q(parts__structure=value) | Q(employeur=value)).distinct()


class EngagementFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(
        label="En mission en", method="filter_annee", min_value=1900, max_value=2999
    )
    type = django_filters.ChoiceFilter(
        label="Type", choices=Engagement.Type.choices, empty_label="Tous"
    )
    structure = ChoixDeModeleFilter(
        label="Structure d'accueil",
        queryset=habitants_selectors.toutes_structures().none(),
        empty_label="Toutes",
    )

    class Meta:
        model = Engagement
        fields: list[str] = []

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["structure"].queryset = structures
        self.form.fields["structure"].queryset = structures

    def filter_annee(self, queryset, name, value):
        return _annee_filtre(queryset, name, value)
