"""Formulaires du capital : souscrire, libérer, demander un retrait, rembourser,
contre-passer, annuler une demande."""

from decimal import Decimal

from django import forms

from phares.forms import DateBornee

from ..services.capital import MONTANT_MAX, PARTS_MAX
from ._champs import DecimalFrancais, ligne, texte


def _montant(label: str, *, min_value: Decimal, **kwargs) -> forms.DecimalField:
    return DecimalFrancais(
        label=label, unite=" en euros", min_value=min_value, max_value=MONTANT_MAX, **kwargs
    )


def _parts(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=PARTS_MAX)


class SouscriptionForm(forms.Form):
    date = DateBornee(label="Date de la souscription")
    parts = _parts("Nombre de parts")
    libere = _montant(
        "Versé à la souscription (€)",
        min_value=Decimal(0),
        initial=Decimal(0),
        help_text="0 si rien n'est encore versé ; le reste se libère plus tard.",
    )
    reference = ligne("Référence (bulletin, chèque, virement…)", 100)


class LiberationForm(forms.Form):
    date = DateBornee(label="Date du versement")
    montant = _montant("Montant versé (€)", min_value=Decimal("0.01"))
    reference = ligne("Référence (chèque, virement…)", 100)


class DemandeRetraitForm(forms.Form):
    date = DateBornee(label="Demande reçue le")
    parts = _parts("Parts à rembourser")
    motif = ligne("Motif", 500)


class RemboursementForm(forms.Form):
    date = DateBornee(label="Date du remboursement")
    reference = ligne("Référence (chèque, virement…)", 100)


class MotifForm(forms.Form):
    motif = texte("Motif", 500, required=True)
