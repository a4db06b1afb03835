"""Le formulaire des textes et de la sélection d'une année du rapport."""

from __future__ import annotations

from django import forms

from habitants.projets import selectors as projets_selectors
from phares.forms import CasesACocher

from .models import CHAMPS_TEXTES, Redaction

TEXTE_MAX = 8000  # characters per text: about two pages of the report
# Short texts get a small box; the others several lines.
LIGNES = {"mission": 3, "partage": 5}


def _libelle_parole(parole) -> str:
    texte = " ".join(parole.texte.split())
    auteur = "anonyme" if parole.anonyme else (parole.auteur or str(parole.structure or ""))
    axe = f"axe {parole.axe.numero}" if parole.axe_id else "sans axe"
    return f"« {texte[:90]}{'…' if len(texte) > 90 else ''} » — {auteur} ({axe})"


class RedactionForm(forms.ModelForm):
    paroles = forms.TypedMultipleChoiceField(
        label="Paroles d'habitants dans le rapport",
        coerce=int,
        required=False,
        widget=CasesACocher,
        error_messages={
            "invalid_choice": "Cette parole n'est pas une parole de l'année : rechargez la page."
        },
    )
    photos = forms.MultipleChoiceField(
        label="Photos dans le rapport",
        required=False,
        widget=CasesACocher,
        error_messages={
            "invalid_choice": "Cette photo n'est pas une photo de l'année : rechargez la page."
        },
    )
    couverture = forms.ChoiceField(
        label="Photo de couverture",
        required=False,
        error_messages={
            "invalid_choice": "Cette photo n'est pas une photo de l'année : rechargez la page."
        },
    )

    class Meta:
        model = Redaction
        fields = [*CHAMPS_TEXTES, "public"]

    def __init__(self, *args, annee: int, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in CHAMPS_TEXTES:
            champ = self.fields[nom]
            champ.widget = forms.Textarea(attrs={"rows": LIGNES.get(nom, 6)})
            champ.validators.append(_longueur)
        self.fields["introduction"].required = True
        self.fields["introduction"].error_messages["required"] = (
            "Le rapport commence par son introduction : écrivez-la."
        )
        paroles = list(
            projets_selectors.paroles().filter(annee=annee).order_by("axe__numero", "rang", "pk")
        )
        photos = list(projets_selectors.photos_de_l_annee(annee))
        self.fields["paroles"].choices = [(p.pk, _libelle_parole(p)) for p in paroles]
        choix_photos = [(str(p.cle), f"{p.legende} ({p.date:%d/%m/%Y})") for p in photos]
        self.fields["photos"].choices = choix_photos
        self.fields["couverture"].choices = [("", "Aucune"), *choix_photos]
        redaction = self.instance
        # None: the default selection (what rassembler() takes without a choice).
        self.initial["paroles"] = (
            redaction.paroles
            if redaction.paroles is not None
            else [p.pk for p in paroles if p.dans_le_rapport]
        )
        self.initial["photos"] = (
            redaction.photos if redaction.photos is not None else [c for c, _ in choix_photos]
        )
        self.initial["couverture"] = redaction.couverture


def _longueur(valeur: str) -> None:
    if len(valeur) > TEXTE_MAX:
        raise forms.ValidationError(
            f"Ce texte est trop long ({TEXTE_MAX} caractères au plus) : raccourcissez-le."
        )
