"""Formulaires des projets collectifs : le projet (et, à sa création, ses structures), une
participation, un rôle, une étape datée."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.forms import CasesACocher, DateBornee

from .. import roles
from ..models import Jalon, Partenaire, Participation, Projet
from ..services.projets import MSG_FIN

# Above this, SQLite raises OverflowError on `pk__in` (PostgreSQL's bigint ends there too).
PK_MAX = 2**63 - 1


class ChoixMultiples(forms.ModelMultipleChoiceField):
    """Des cases à cocher d'objets ; une valeur qui n'est pas un identifiant possible est un
    choix invalide (le message du champ), jamais une erreur de la base."""

    widget = CasesACocher

    def _check_values(self, value):
        for v in value:
            try:
                ok = 0 < int(str(v)) <= PK_MAX
            except ValueError:
                ok = False
            if not ok:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": v},
                )
        return super()._check_values(value)


class StructuresField(ChoixMultiples):
    def label_from_instance(self, obj):
        return obj.nom


def structures_du_jour():
    return habitants_selectors.structures_presentes(le=timezone.localdate()).order_by("nom")


class ProjetForm(forms.ModelForm):
    """Le projet ; à la création (`creation=True`), ses structures porteuses et partenaires.
    La case « visible sur le site public » n'est proposée qu'à la gestion."""

    partenaires = ChoixMultiples(
        label="Partenaires extérieurs",
        queryset=Partenaire.objects.filter(archive=False).order_by("nom"),
        required=False,
        help_text="Collectivités, entreprises, associations… (la gestion tient leur liste).",
    )

    class Meta:
        model = Projet
        fields = ["nom", "axe", "resume", "description", "statut", "debut", "fin", "public"]
        field_classes = {"debut": DateBornee, "fin": DateBornee}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, creation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axe"].empty_label = None
        if not roles.is_gestion(user):
            del self.fields["public"]
        if self.instance.pk:
            # An archived partner already on the project stays ticked.
            self.fields["partenaires"].queryset = (
                Partenaire.objects.filter(Q(archive=False) | Q(projets=self.instance))
                .distinct()
                .order_by("nom")
            )
            self.initial.setdefault("partenaires", list(self.instance.partenaires.all()))
        if not self.fields["partenaires"].queryset.exists():
            del self.fields["partenaires"]
        self.creation = creation
        if creation:
            presentes = structures_du_jour()
            self.fields["porteurs"] = StructuresField(
                label="Structures porteuses",
                queryset=presentes,
                error_messages={"required": "Choisissez au moins une structure porteuse."},
            )
            self.fields["structures_partenaires"] = StructuresField(
                label="Structures partenaires",
                queryset=presentes,
                required=False,
                help_text="D'autres habitants du lieu associés au projet.",
            )
            miennes = [s for s in presentes if s.pk in roles.structures_referent(user)]
            if miennes and not roles.is_gestion(user):
                self.fields[
                    "porteurs"
                ].help_text = "Une des structures dont vous êtes référent·e au moins."
                self.initial.setdefault("porteurs", miennes)

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", MSG_FIN)
        communes = set(cleaned.get("porteurs") or ()) & set(
            cleaned.get("structures_partenaires") or ()
        )
        if communes:
            self.add_error(
                "structures_partenaires",
                "Une structure est porteuse ou partenaire, pas les deux : "
                + ", ".join(sorted(s.nom for s in communes))
                + ".",
            )
        return cleaned

    def _post_clean(self):
        # The model's check constraint would repeat the date message on the whole form.
        fin = self.cleaned_data.get("fin")
        debut = self.cleaned_data.get("debut")
        if debut and fin and fin < debut:
            return
        super()._post_clean()


class ParticipationForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure",
        queryset=None,
        empty_label="Choisir une structure…",
        error_messages={"invalid_choice": "Cette structure n'est pas (ou plus) proposée."},
    )
    role = forms.ChoiceField(
        label="Rôle", choices=Participation.Role.choices, initial=Participation.Role.PARTENAIRE
    )

    def __init__(self, *args, projet: Projet, **kwargs):
        super().__init__(*args, **kwargs)
        deja = projet.participations.values_list("structure_id", flat=True)
        self.fields["structure"].queryset = structures_du_jour().exclude(pk__in=deja)
        self.fields["structure"].label_from_instance = lambda s: s.nom


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Participation.Role.choices)


class JalonForm(forms.ModelForm):
    class Meta:
        model = Jalon
        fields = ["date", "titre", "texte", "dans_le_rapport"]
        field_classes = {"date": DateBornee}
        widgets = {"texte": forms.Textarea(attrs={"rows": 4})}
