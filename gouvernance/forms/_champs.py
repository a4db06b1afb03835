"""Champs partagés : choisir une personne inscrite, un texte court sur une ligne ; les nombres
à la française viennent de phares.forms."""

from django import forms
from django.contrib.auth import get_user_model

from phares.forms import DecimalFrancais, nombre_lisible

__all__ = ["DecimalFrancais", "PersonneChoiceField", "ligne", "nombre_lisible", "texte"]


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
