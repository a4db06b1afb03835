"""Le formulaire du plan d'un étage : pour chaque espace, sa colonne, sa ligne, sa largeur
et sa hauteur en cases (les quatre, ou aucune pour le laisser hors du plan)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from ..models import PLAN_COLONNES, PLAN_LIGNES, Espace, Rectangle
from ..services.plans import erreurs_de_placement

# (suffix of the field name, column header, highest value)
COORDONNEES = (
    ("x", "Colonne", PLAN_COLONNES - 1),
    ("y", "Ligne", PLAN_LIGNES - 1),
    ("largeur", "Largeur", PLAN_COLONNES),
    ("hauteur", "Hauteur", PLAN_LIGNES),
)


@dataclass(frozen=True)
class LigneDuPlan:
    espace: Espace
    champs: list[forms.BoundField]


class PlanForm(forms.Form):
    """Un champ par coordonnée et par espace, nommé d'après l'identifiant de l'espace
    (`bureau-01-x`) : la page ne transporte aucune clé de la base."""

    def __init__(self, *args, espaces: list[Espace], **kwargs):
        super().__init__(*args, **kwargs)
        self.espaces = espaces
        for espace in espaces:
            plan = espace.plan
            for suffixe, libelle, maximum in COORDONNEES:
                minimum = 1 if suffixe in ("largeur", "hauteur") else 0
                self.fields[f"{espace.slug}-{suffixe}"] = forms.IntegerField(
                    label=f"{libelle} de « {espace.nom} »",
                    required=False,
                    min_value=minimum,
                    max_value=maximum,
                    initial=getattr(plan, suffixe) if plan else None,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )

    @property
    def lignes(self) -> list[LigneDuPlan]:
        return [
            LigneDuPlan(e, [self[f"{e.slug}-{s}"] for s, _l, _m in COORDONNEES])
            for e in self.espaces
        ]

    def clean(self):
        cleaned = super().clean()
        positions = {}
        for espace in self.espaces:
            noms = [f"{espace.slug}-{s}" for s, _l, _m in COORDONNEES]
            if any(n in self.errors for n in noms):
                continue
            valeurs = [cleaned.get(n) for n in noms]
            if all(v is None for v in valeurs):
                positions[espace] = None
            elif any(v is None for v in valeurs):
                for nom, valeur in zip(noms, valeurs, strict=True):
                    if valeur is None:
                        self.add_error(
                            nom,
                            "Indiquez les quatre nombres, ou aucun pour laisser "
                            "l'espace hors du plan.",
                        )
            else:
                positions[espace] = Rectangle(*valeurs)
        if not self.errors:
            for erreur in erreurs_de_placement(positions):
                self.add_error(None, erreur)
        self.positions = {e.slug: r for e, r in positions.items()}
        return cleaned
