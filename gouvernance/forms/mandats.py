"""Formulaires des mandats : nommer, terminer."""

from django import forms

from phares.forms import DateBornee

from ..models import Mandat
from ._champs import PersonneChoiceField, ligne


class MandatForm(forms.Form):
    personne = PersonneChoiceField(label="Personne")
    fonction = forms.ChoiceField(label="Fonction", choices=Mandat.Fonction.choices)
    debut = DateBornee(label="Début (premier jour)")
    fin = DateBornee(label="Fin prévue (incluse)", required=False, help_text="Vide : en cours.")
    designe_par = ligne(
        "Désigné·e par",
        200,
        help_text="Par exemple : AG du 12 juin 2014, décision 2014-06-D02.",
    )

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin du mandat ne peut pas précéder son début.")
        return cleaned


class TerminerMandatForm(forms.Form):
    fin = DateBornee(label="Dernier jour du mandat (inclus)")
    motif = ligne("Motif (démission, fin de mandat, révocation…)", 200)
