"""Formulaires du bâtiment : espaces, bâtiment et niveaux, conventions d'occupation."""

from django import forms

from habitants import selectors as habitants_selectors
from phares.forms import DateBornee, valider_image

from ..models import TEXTE_MAX, TYPES_OCCUPES, Batiment, Espace, Etage, TypeEspace
from ..services.espaces import CHAMPS_ESPACE
from ._champs import fin_apres_debut


class EspaceForm(forms.ModelForm):
    reservable = forms.BooleanField(label="Réservable (salle partagée)", required=False)
    ouverte_aux_externes = forms.BooleanField(
        label="Réservable aussi par des organisations extérieures", required=False
    )

    class Meta:
        model = Espace
        # The journal follows the same fields (archiving is not edited here).
        fields = [f for f in CHAMPS_ESPACE if f != "archive"]
        widgets = {
            "equipements": forms.Textarea(attrs={"rows": 2}),
            "accessibilite": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ressource = getattr(self.instance, "ressource", None) if self.instance.pk else None
        if ressource is not None:
            self.fields["reservable"].initial = ressource.active
            self.fields["ouverte_aux_externes"].initial = ressource.ouverte_aux_externes

    def clean(self):
        cleaned = super().clean()
        type_ = cleaned.get("type")
        if type_ == TypeEspace.COTRAVAIL and not cleaned.get("nb_postes"):
            self.add_error("nb_postes", "Indiquez le nombre de postes du co-travail.")
        if type_ in TYPES_OCCUPES and cleaned.get("reservable"):
            self.add_error(
                "reservable", "Un bureau ou le co-travail se loue par convention, pas à l'heure."
            )
        return cleaned

    def clean_photo(self):
        return valider_image(self.cleaned_data.get("photo"))


class ConventionForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None)  # in __init__
    espace = forms.ModelChoiceField(label="Bureau ou co-travail", queryset=Espace.objects.none())
    poste = forms.IntegerField(
        label="Poste (co-travail)",
        required=False,
        min_value=1,
        max_value=500,  # Espace.nb_postes' own limit
        help_text="Laissez vide pour attribuer le premier poste libre.",
    )
    debut = DateBornee(label="Début")
    fin = DateBornee(label="Fin (incluse)", required=False, help_text="Vide : sans terme.")
    montant_mensuel_ht = forms.DecimalField(
        label="Loyer mensuel HT (€)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Vide : calculé d'après le tarif en vigueur (surface × prix au m², ou poste).",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=TEXTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.structures_actives()
        self.fields["espace"].queryset = Espace.objects.filter(
            archive=False, type__in=TYPES_OCCUPES
        ).order_by("nom")

    def clean(self):
        cleaned = super().clean()
        fin_apres_debut(self, cleaned)
        return cleaned


class TerminerConventionForm(forms.Form):
    fin = DateBornee(label="Dernier jour d'occupation (inclus)")


class BatimentForm(forms.ModelForm):
    class Meta:
        model = Batiment
        fields = ["nom", "adresse", "surface_m2"]


EtageFormSet = forms.inlineformset_factory(
    Batiment,
    Etage,
    fields=["niveau", "nom"],
    extra=1,
    can_delete=False,
    min_num=1,
    validate_min=True,
)
