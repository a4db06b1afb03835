"""Formulaires des tarifs, des forfaits d'heures de salle et des consommations."""

from django import forms

from habitants import selectors as habitants_selectors

from ..models import Consommation, Tarif
from ._champs import DATE, fin_apres_debut


class TarifForm(forms.ModelForm):
    class Meta:
        model = Tarif
        fields = ["code", "ressource", "montant_ht", "taux_tva", "debut", "fin"]
        widgets = {"debut": DATE, "fin": DATE}

    def clean(self):
        cleaned = super().clean()
        fin_apres_debut(self, cleaned)
        return cleaned


class ConsommationForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None)  # in __init__
    service = forms.ChoiceField(label="Service", choices=Consommation.Service.choices)
    date = forms.DateField(label="Date", widget=DATE)
    quantite = forms.IntegerField(label="Quantité", min_value=1, max_value=100000)
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=200)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class ForfaitForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None)  # in __init__
    heures_par_mois = forms.IntegerField(
        label="Heures de salle incluses par mois",
        min_value=0,
        max_value=744,
        help_text="0 = illimité.",
    )
    debut = forms.DateField(label="À partir du", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.structures_actives()
