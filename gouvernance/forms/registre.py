"""Formulaires du registre des associés : admission, modification, sortie."""

from django import forms

from habitants import selectors as habitants_selectors
from phares.forms import DateBornee

from ..models import Associe
from ._champs import PersonneChoiceField, ligne

AIDE_DECISION = "Référence de la décision, par exemple 2015-07-D03."


class _RepresentantMixin:
    def _un_representant(self, cleaned) -> None:
        if cleaned.get("representant") and cleaned.get("representant_nom"):
            self.add_error(
                "representant_nom",
                "Choisissez une personne inscrite ou écrivez un nom, pas les deux.",
            )


class AdmissionForm(_RepresentantMixin, forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure",
        queryset=None,  # in __init__
        required=False,
        empty_label="—",
        help_text="Une structure hébergée, ou partenaire (créée dans Habitants sans dates de "
        "présence).",
    )
    personne = PersonneChoiceField(
        label="ou une personne inscrite",
        required=False,
        help_text="Par exemple la chargée de développement, associée en tant que salariée.",
    )
    nom = ligne("ou une personne sans compte (nom)", 200)
    representant = PersonneChoiceField(
        label="Représentant·e de la structure (personne inscrite)", required=False
    )
    representant_nom = ligne("ou représentant·e (nom)", 200)
    categorie = forms.ChoiceField(label="Catégorie", choices=Associe.Categorie.choices)
    entree = DateBornee(label="Entrée (premier jour)")
    decision_admission_ref = ligne("Décision d'admission", 40, help_text=AIDE_DECISION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.structures_actives()

    def clean(self):
        cleaned = super().clean()
        choisis = [n for n in ("structure", "personne", "nom") if cleaned.get(n)]
        if len(choisis) != 1:
            self.add_error(
                None,
                "Un associé est une structure, une personne inscrite ou une personne sans "
                "compte : choisissez-en un seul.",
            )
        self._un_representant(cleaned)
        if cleaned.get("structure"):
            if not (cleaned.get("representant") or cleaned.get("representant_nom")):
                self.add_error(
                    "representant", "Indiquez qui représente la structure : une personne ou un nom."
                )
        elif cleaned.get("representant") or cleaned.get("representant_nom"):
            self.add_error("representant", "Seule une structure associée a un·e représentant·e.")
        return cleaned


class ModifierAssocieForm(_RepresentantMixin, forms.Form):
    categorie = forms.ChoiceField(label="Catégorie", choices=Associe.Categorie.choices)
    entree = DateBornee(label="Entrée (premier jour)")
    representant = PersonneChoiceField(label="Représentant·e (personne inscrite)", required=False)
    representant_nom = ligne("ou représentant·e (nom)", 200)
    decision_admission_ref = ligne("Décision d'admission", 40, help_text=AIDE_DECISION)

    def __init__(self, *args, associe: Associe, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "categorie": associe.categorie,
                "entree": associe.entree,
                "representant": associe.representant_id,
                "representant_nom": associe.representant_nom,
                "decision_admission_ref": associe.decision_admission_ref,
            },
        )
        super().__init__(*args, **kwargs)
        self.structure = associe.structure_id is not None
        if not self.structure:
            del self.fields["representant"]
            del self.fields["representant_nom"]

    def clean(self):
        cleaned = super().clean()
        if self.structure:
            self._un_representant(cleaned)
            if not (cleaned.get("representant") or cleaned.get("representant_nom")):
                self.add_error(
                    "representant", "Indiquez qui représente la structure : une personne ou un nom."
                )
        return cleaned


class SortieForm(forms.Form):
    sortie = DateBornee(label="Dernier jour comme associé (inclus)")
    motif = forms.ChoiceField(label="Motif", choices=Associe.MotifSortie.choices)
    precisions = ligne("Précisions", 500)
    demander_remboursement = forms.BooleanField(
        label="Enregistrer la demande de remboursement des parts qu'il détient",
        required=False,
        initial=True,
    )
