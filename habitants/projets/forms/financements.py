"""Formulaires des partenaires et des subventions : ils lisent la saisie (montants à la
française, dates bornées, logo vérifié) ; les règles sont dans services/financements.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q

from habitants import selectors as habitants_selectors
from phares.forms import CasesACocher, DateBornee, DecimalFrancais, valider_image

from ..models import Partenaire, Projet, Subvention
from ..services.financements import SubventionInvalide, verifier_subvention


class PartenaireForm(forms.ModelForm):
    site_web = forms.URLField(
        label="Site web",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="Adresse complète, par exemple https://www.exemple.fr",
    )
    structures = forms.ModelMultipleChoiceField(
        label="Habitants avec qui il travaille",
        queryset=habitants_selectors.toutes_structures(),
        required=False,
        widget=CasesACocher,
        help_text="Les structures du pôle partenaires de cet acteur.",
    )

    class Meta:
        model = Partenaire
        fields = ["nom", "sigle", "categorie", "du_pole", "site_web", "logo", "description"]
        widgets = {
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})
        }
        help_texts = {
            "logo": "PNG, JPEG ou WebP, 5 Mo au plus (pas de SVG) ; il peut paraître dans le "
            "rapport annuel.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actuelles = self.instance.structures.all() if self.instance.pk else []
        # Present structures, plus the archived ones this partner already works with.
        self.fields["structures"].queryset = (
            habitants_selectors.toutes_structures()
            .filter(Q(archivee=False) | Q(pk__in=[s.pk for s in actuelles]))
            .order_by("nom")
        )
        if self.instance.pk:
            self.initial.setdefault("structures", [s.pk for s in actuelles])

    def clean_logo(self):
        return valider_image(self.cleaned_data.get("logo"))


def _montant(label: str, *, required: bool = True, help_text: str = "") -> DecimalFrancais:
    return DecimalFrancais(
        label=label,
        required=required,
        unite=" en euros",
        help_text=help_text or "En euros, par exemple 12 500,50.",
    )


class SubventionForm(forms.ModelForm):
    montant_demande = _montant("Montant demandé (€)")
    montant_accorde = _montant(
        "Montant accordé (€)",
        required=False,
        help_text="Vide tant que la décision n'est pas connue, ou si elle est refusée.",
    )
    montant_recu = _montant(
        "Montant reçu (€)",
        required=False,
        help_text="Total des versements reçus à ce jour (vide : rien reçu).",
    )

    class Meta:
        model = Subvention
        fields = [
            "financeur",
            "projet",
            "intitule",
            "reference",
            "statut",
            "montant_demande",
            "montant_accorde",
            "montant_recu",
            "debut",
            "fin",
            "date_demande",
            "date_decision",
            "notes",
        ]
        field_classes = {
            "debut": DateBornee,
            "fin": DateBornee,
            "date_demande": DateBornee,
            "date_decision": DateBornee,
        }
        labels = {"projet": "Pour le projet"}
        help_texts = {
            "projet": "Vide : pour le PHARES dans son ensemble.",
            "fin": "Dernier jour de la période (inclus).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actuel = self.instance.financeur_id if self.instance.pk else None
        self.fields["financeur"].queryset = Partenaire.objects.filter(
            Q(archive=False) | Q(pk=actuel)
        ).order_by("nom")
        self.fields["financeur"].empty_label = "Choisir un financeur"
        self.fields["projet"].queryset = Projet.objects.order_by("nom")
        self.fields["projet"].empty_label = "Le PHARES dans son ensemble"

    def clean_montant_recu(self):
        valeur = self.cleaned_data.get("montant_recu")
        return Decimal(0) if valeur is None else valeur

    def clean(self):
        """Les règles du service, sur le champ à corriger (le service les revérifie en
        enregistrant) ; un champ en erreur n'est plus soumis aux contraintes de la base, qui
        répéteraient le message en haut du formulaire."""
        cleaned = super().clean()
        if not self.errors:
            brouillon = Subvention(**{f: cleaned.get(f) for f in self._meta.fields})
            try:
                verifier_subvention(brouillon)
            except SubventionInvalide as exc:
                self.add_error(exc.champ if exc.champ in self.fields else None, str(exc))
        return cleaned
