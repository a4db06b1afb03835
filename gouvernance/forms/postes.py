"""Formulaire des postes dédiés au pôle."""

from decimal import Decimal

from django import forms

from phares.forms import DateBornee

from ..models import PosteDedie
from ..services.postes import ETP_MAX
from ._champs import DecimalFrancais, PersonneChoiceField


class PosteForm(forms.ModelForm):
    personne = PersonneChoiceField(label="Personne inscrite", required=False)
    etp = DecimalFrancais(
        label="Quotité (ETP)",
        min_value=Decimal("0.01"),
        max_value=ETP_MAX,
        max_digits=4,
        help_text="1 = un temps plein ; 0,5 = un mi-temps consacré au pôle.",
    )

    class Meta:
        model = PosteDedie
        fields = [
            "fonction",
            "intitule",
            "personne",
            "personne_nom",
            "employeur",
            "etp",
            "debut",
            "fin",
            "notes",
        ]
        field_classes = {"debut": DateBornee, "fin": DateBornee}
        labels = {"personne_nom": "ou personne (nom, ou libellé comme « 2 assistants »)"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("personne") and cleaned.get("personne_nom"):
            self.add_error("personne_nom", "Une personne inscrite ou un nom, pas les deux.")
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin du poste ne peut pas précéder son début.")
        return cleaned
