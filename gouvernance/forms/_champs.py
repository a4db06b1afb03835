"""Champs partagés : choisir une personne inscrite, un texte court sur une ligne."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model


class PersonneChoiceField(forms.ModelChoiceField):
    """Une personne inscrite (compte actif), nommée avec son adresse : deux homonymes se
    distinguent."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", personnes())
        kwargs.setdefault("empty_label", "—")
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        nom = obj.get_full_name()
        return f"{nom} ({obj.email})" if nom else obj.email


def personnes():
    return (
        get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "email")
    )


def ligne(label: str, max_length: int, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def texte(label: str, max_length: int, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        **kwargs,
    )


class DecimalFrancais(forms.DecimalField):
    """Un nombre décimal saisi à la française (« 1 234,50 » comme « 1234.50 ») ; les espaces
    et le signe € sont ignorés."""

    def __init__(self, *, unite: str = "", **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        messages = {
            "invalid": f"Saisissez un nombre{unite} (par exemple 1234,50).",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
            "max_digits": "Ce nombre est trop grand.",
            "max_whole_digits": "Ce nombre est trop grand.",
        }
        for cle, sens in (("min_value", "supérieure"), ("max_value", "inférieure")):
            if kwargs.get(cle) is not None:
                messages[cle] = (
                    f"Saisissez une valeur {sens} ou égale à {nombre_lisible(kwargs[cle])}."
                )
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.localize = False
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            value = value.replace("€", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        return value


def nombre_lisible(valeur) -> str:
    """« 2,5 », « 1 », « 0,25 », « 9 999 999 999,99 » : sans zéros inutiles, virgule
    décimale, espaces entre les milliers."""
    texte = f"{Decimal(valeur).quantize(Decimal('0.01')):,f}".rstrip("0").rstrip(".")
    return texte.replace(",", "\u202f").replace(".", ",")
