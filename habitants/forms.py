import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError

# Structures keep any date (tests/test_robustesse: 0001-01-01 is read back everywhere).
from phares.forms import DATE_WIDGET, valider_image

from .models import CHIFFRES_FIELDS, ChiffresAnnuels, Domaine, Membre, Structure
from .services import CHAMPS_PROFIL, CHAMPS_STRUCTURE


def _digits(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def _site_web_field():
    return forms.URLField(label="Site web", required=False, assume_scheme="https", max_length=200)


class StructureForm(forms.ModelForm):
    """Fiche complète, pour l'équipe de gestion."""

    site_web = _site_web_field()
    # Wider than the stored digits: people paste "552 100 554 00013".
    siren = forms.CharField(
        label="SIREN", required=False, max_length=20, help_text="9 chiffres, espaces acceptés."
    )
    siret = forms.CharField(
        label="SIRET du siège ou de l'établissement",
        required=False,
        max_length=30,
        help_text="14 chiffres, espaces acceptés.",
    )

    class Meta:
        model = Structure
        fields = list(CHAMPS_STRUCTURE)  # the journal follows the same fields
        widgets = {
            "arrivee": DATE_WIDGET,
            "depart": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "adresse_facturation": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_nom(self):
        nom = self.cleaned_data["nom"]
        # The case-insensitive unique constraint would only give a form-wide error.
        if Structure.objects.filter(nom__iexact=nom).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Une structure porte déjà ce nom.")
        return nom

    def clean_logo(self):
        return valider_image(self.cleaned_data.get("logo"))

    def clean_siren(self):
        value = _digits(self.cleaned_data.get("siren", ""))
        if value and (not value.isdigit() or len(value) != 9):
            raise ValidationError("Le SIREN compte 9 chiffres.")
        return value

    def clean_siret(self):
        value = _digits(self.cleaned_data.get("siret", ""))
        if value and (not value.isdigit() or len(value) != 14):
            raise ValidationError("Le SIRET compte 14 chiffres.")
        return value

    def clean(self):
        cleaned = super().clean()
        arrivee, depart = cleaned.get("arrivee"), cleaned.get("depart")
        if depart and not arrivee:
            self.add_error("arrivee", "Indiquez l'arrivée avant le départ.")
        elif arrivee and depart and depart < arrivee:
            self.add_error("depart", "Le départ ne peut pas précéder l'arrivée.")
        return cleaned


class ProfilPublicForm(forms.ModelForm):
    """Ce qu'une structure peut modifier d'elle-même."""

    site_web = _site_web_field()

    class Meta:
        model = Structure
        fields = list(CHAMPS_PROFIL)
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_logo(self):
        return valider_image(self.cleaned_data.get("logo"))


class DomaineForm(forms.ModelForm):
    class Meta:
        model = Domaine
        fields = ["nom", "ordre"]


class InvitationForm(forms.Form):
    # Same limit as the columns (forms accept up to 320): PostgreSQL would refuse longer.
    email = forms.EmailField(label="Adresse e-mail de la personne", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=Membre.Role.choices, initial=Membre.Role.MEMBRE)


class AccepterInvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif p1:
            probe = get_user_model()(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


# Far below the column's limit: a typo (an extra zero or two) would skew the report.
CHIFFRE_MAX = 100_000


class ChiffresForm(forms.ModelForm):
    class Meta:
        model = ChiffresAnnuels
        fields = [*CHIFFRES_FIELDS, "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "emplois_permanents": "Salariés hors insertion, au 31 décembre ou en moyenne annuelle.",
            "salaries_insertion": "Personnes en contrat d'insertion au cours de l'année.",
            "services_civiques": "Volontaires accueillis au cours de l'année.",
            "benevoles": "Bénévoles réguliers.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CHIFFRES_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update({"min": 0, "max": CHIFFRE_MAX, "inputmode": "numeric"})
            field.max_value = CHIFFRE_MAX
            field.validators.append(_max_validator)


def _max_validator(value):
    if value is not None and value > CHIFFRE_MAX:
        raise ValidationError("Ce nombre semble trop grand (100 000 au plus).")
