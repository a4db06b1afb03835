"""Formulaires des tarifs (ajout, fin, remplacement), des forfaits d'heures de salle et des
consommations."""

from django import forms

from habitants import selectors as habitants_selectors
from phares.forms import DateBornee

from ..models import Consommation, Tarif
from ._champs import fin_apres_debut


class TarifForm(forms.ModelForm):
    class Meta:
        model = Tarif
        fields = [
            "code",
            "ressource",
            "montant_ht",
            "taux_tva",
            "mention_exoneration",
            "debut",
            "fin",
        ]
        field_classes = {"debut": DateBornee, "fin": DateBornee}

    def clean(self):
        cleaned = super().clean()
        fin_apres_debut(self, cleaned)
        mention_seulement_a_zero(self, cleaned)
        return cleaned


def mention_seulement_a_zero(form, cleaned) -> None:
    """La base légale d'une exonération n'a de sens qu'à 0 % : imprimée sur une ligne taxée,
    elle rendrait la facture contradictoire."""
    taux, mention = cleaned.get("taux_tva"), cleaned.get("mention_exoneration")
    if mention and taux:
        form.add_error(
            "mention_exoneration",
            "Une mention d'exonération ne vaut que pour un taux de TVA de 0 %.",
        )


class TerminerTarifForm(forms.Form):
    fin = DateBornee(label="Dernier jour du tarif (inclus)")


class RemplacerTarifForm(forms.Form):
    a_partir_du = DateBornee(
        label="Nouveau prix à partir du",
        help_text="Le tarif en cours s'arrête la veille.",
    )
    # The model's own limits: 12 digits, 4 decimals (unit prices below the cent).
    montant_ht = forms.DecimalField(
        label="Nouveau montant HT (€)", min_value=0, max_digits=12, decimal_places=4
    )
    taux_tva = forms.DecimalField(
        label="Taux de TVA (%)", min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    mention_exoneration = forms.CharField(
        label="Base légale de l'exonération de TVA",
        max_length=200,
        required=False,
        help_text="Si le taux est 0 % : « Exonération de TVA – art. 261 D 2° du CGI ». Vide : "
        "celle de la coopérative.",
    )

    def clean(self):
        cleaned = super().clean()
        mention_seulement_a_zero(self, cleaned)
        return cleaned


class ConsommationForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None)  # in __init__
    service = forms.ChoiceField(label="Service", choices=Consommation.Service.choices)
    date = DateBornee(label="Date")
    quantite = forms.IntegerField(label="Quantité", min_value=1, max_value=100000)
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=200)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["structure"]
        field.queryset = structures
        premieres = list(structures[:2])
        # A member of one structure never picks it: the page names it, the form sends it.
        self.seule_structure = premieres[0] if len(premieres) == 1 else None
        if self.seule_structure is not None:
            field.initial = self.seule_structure
            field.widget = forms.HiddenInput()


class ForfaitForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None)  # in __init__
    heures_par_mois = forms.IntegerField(
        label="Heures de salle incluses par mois",
        min_value=0,
        max_value=744,
        help_text="0 = illimité.",
    )
    debut = DateBornee(label="À partir du")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.structures_actives()
