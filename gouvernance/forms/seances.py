"""Formulaires de la gouvernance : ils lisent et typent la saisie ; les services décident."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from espaces import services as espaces_services
from habitants import selectors as habitants_selectors
from phares.forms import DateBornee, style_form
from phares.lib import temps
from phares.roles import is_gestion

from .. import selectors
from ..decompte import Voix
from ..models import Action, College, Decision, Participant, Seance
from ..services.decisions import Vote

HEURE = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_VOIX = 100_000


def _options(champ: forms.ModelChoiceField, options) -> None:
    """Les options d'une liste de choix, déjà lues pour toute la page, au lieu de la requête
    que le champ ferait en s'affichant. Son queryset, lui, valide toujours la saisie."""
    vide = [] if champ.empty_label is None else [("", champ.empty_label)]
    champ.choices = [*vide, *options]


def lieu_par_defaut() -> str:
    return f"{settings.PHARES_CONTACT['lieu']}, {settings.PHARES_CONTACT['adresse']}"


class _Creneau(forms.Form):
    """Date et heures d'une séance, à l'heure de Paris."""

    date = DateBornee(label="Date")
    heure_debut = forms.TimeField(label="Début", widget=HEURE)
    heure_fin = forms.TimeField(label="Fin", widget=HEURE)

    def clean(self):
        data = super().clean()
        jour, debut, fin = data.get("date"), data.get("heure_debut"), data.get("heure_fin")
        if jour and debut and fin:
            if fin <= debut:
                self.add_error("heure_fin", "La fin suit le début.")
            else:
                data["debut"] = temps.aware(jour, debut)
                data["fin"] = temps.aware(jour, fin)
        return data


class SeanceNouvelleForm(_Creneau):
    type = forms.ChoiceField(label="Type de séance", choices=Seance.Type.choices)
    titre = forms.CharField(
        label="Titre",
        max_length=200,
        required=False,
        help_text="Vide : « Cogérance de juin 2015 », « Assemblée générale ordinaire du… ».",
    )
    lieu = forms.CharField(label="Lieu", max_length=300)
    convocation = forms.TypedChoiceField(
        label="Convocation (assemblées)",
        choices=Seance.Convocation.choices,
        coerce=int,
        initial=Seance.Convocation.PREMIERE,
    )
    salle = forms.ModelChoiceField(
        label="Réserver une salle du bâtiment",
        queryset=None,
        required=False,
        empty_label="Pas de réservation",
    )
    structure = forms.ModelChoiceField(
        label="Réservée au nom de",
        queryset=None,
        required=False,
        help_text="Sur le forfait d'heures de cette structure.",
    )
    field_order = ["type", "titre", "date", "heure_debut", "heure_fin", "lieu", "convocation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].initial = lieu_par_defaut()
        self.fields["salle"].queryset = espaces_services.salles()
        aujourd_hui = timezone.localdate()
        self.fields["structure"].queryset = (
            habitants_selectors.structures_presentes(le=aujourd_hui)
            if is_gestion(user)
            else espaces_services.structures_reservantes(user, le=aujourd_hui)
        )

    def clean(self):
        data = super().clean()
        if data.get("salle") and not data.get("structure"):
            self.add_error("structure", "Choisissez la structure au nom de laquelle réserver.")
        return data


class SeanceForm(_Creneau):
    titre = forms.CharField(label="Titre", max_length=200)
    lieu = forms.CharField(label="Lieu", max_length=300)
    convocation = forms.TypedChoiceField(
        label="Convocation (assemblées)", choices=Seance.Convocation.choices, coerce=int
    )

    @classmethod
    def de(cls, seance: Seance, data=None) -> SeanceForm:
        debut = temps.paris(seance.debut)
        fin = temps.paris(seance.fin) if seance.fin else None
        return cls(
            data,
            prefix="seance",
            initial={
                "titre": seance.titre,
                "date": debut.date(),
                "heure_debut": debut.time(),
                "heure_fin": fin.time() if fin else None,
                "lieu": seance.lieu,
                "convocation": seance.convocation,
            },
        )

    def champs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("titre", "debut", "fin", "lieu", "convocation")}


class RedactionForm(forms.Form):
    """Ce que le procès-verbal dit de la séance en plus des présences et des décisions."""

    president = forms.ModelChoiceField(label="Présidence de séance", queryset=None, required=False)
    secretaire = forms.ModelChoiceField(label="Secrétaire de séance", queryset=None, required=False)
    invites = forms.CharField(
        label="Invité·es (sans droit de vote)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    documents = forms.CharField(
        label="Documents présentés",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Un document par ligne.",
    )
    debats = forms.CharField(
        label="Résumé des débats",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, seance: Seance, personnes=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "president": seance.president_id,
                "secretaire": seance.secretaire_id,
                "invites": seance.invites,
                "documents": seance.documents,
                "debats": seance.debats,
            },
        )
        super().__init__(*args, prefix="pv", **kwargs)
        if personnes is None:  # `personnes`: the same, already built for the page
            personnes = selectors.responsables_possibles(le=temps.jour(seance.debut))
        self.fields["president"].queryset = personnes
        self.fields["secretaire"].queryset = personnes

    def proposer(self, personnes: list[tuple[int, str]]) -> RedactionForm:
        """Les personnes à choisir (`selectors.personnes_a_choisir`), déjà lues."""
        _options(self.fields["president"], personnes)
        _options(self.fields["secretaire"], personnes)
        return self


class PresencesForm(forms.Form):
    """Une ligne par inscrit : présence, procuration (à qui), représentant·e sur place."""

    def __init__(self, *args, participants: list[Participant], **kwargs):
        super().__init__(*args, prefix="presences", **kwargs)
        self.participants = participants
        choix_mandataires = [("", "—")] + [(str(p.pk), p.nom) for p in participants]
        for p in participants:
            self.fields[f"presence_{p.pk}"] = forms.ChoiceField(
                label=f"Présence de {p.nom}",
                choices=Participant.Presence.choices,
                initial=p.presence,
            )
            self.fields[f"mandataire_{p.pk}"] = forms.TypedChoiceField(
                label=f"Procuration de {p.nom} à",
                choices=choix_mandataires,
                coerce=int,
                empty_value=None,
                required=False,
                initial=p.mandataire_id or "",
            )
            if p.associe_id and p.associe.structure_id:
                self.fields[f"representant_{p.pk}"] = forms.CharField(
                    label=f"{p.nom} représentée par",
                    max_length=200,
                    required=False,
                    initial=p.representant,
                )

    def lignes(self):
        """Les champs de chaque inscrit, pour le gabarit (une ligne de tableau chacun)."""
        for p in self.participants:
            yield (
                p,
                self[f"presence_{p.pk}"],
                self[f"mandataire_{p.pk}"],
                self[f"representant_{p.pk}"] if f"representant_{p.pk}" in self.fields else None,
            )

    def saisie(self):
        from ..services.seances import LignePresence

        d = self.cleaned_data
        return [
            LignePresence(
                participant_id=p.pk,
                presence=d[f"presence_{p.pk}"],
                mandataire_id=d.get(f"mandataire_{p.pk}"),
                representant=d.get(f"representant_{p.pk}", ""),
            )
            for p in self.participants
        ]


class PointForm(forms.Form):
    titre = forms.CharField(label="Point", max_length=200)
    description = forms.CharField(
        label="Précisions",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "point")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    """Le texte, la catégorie et le vote d'une décision ; avec des collèges, les voix de
    chaque collège."""

    titre = forms.CharField(label="Intitulé", max_length=200)
    texte = forms.CharField(
        label="Texte de la décision", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    categorie = forms.ChoiceField(label="Catégorie", choices=Decision.Categorie.choices)
    mode = forms.ChoiceField(
        label="Décidée par",
        choices=Decision.Mode.choices,
        initial=Decision.Mode.CONSENSUS,
        widget=forms.RadioSelect,
    )
    corrige = forms.ModelChoiceField(
        label="Corrige la décision",
        queryset=None,
        required=False,
        empty_label="Aucune (nouvelle décision)",
        help_text="Une décision d'un procès-verbal approuvé ne change pas : on la corrige ici.",
    )

    def __init__(
        self, *args, colleges: list[College] = (), decision: Decision | None = None, **kwargs
    ):
        if decision is not None:
            kwargs.setdefault("initial", _initial(decision))
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        self.colleges = list(colleges)
        self.fields["corrige"].queryset = selectors.decisions_corrigeables()
        self.fields["corrige"].label_from_instance = lambda d: f"{d.reference} — {d.titre}"
        prefixes = [f"{c.pk}_" for c in self.colleges] or [""]
        for prefixe, nom in zip(prefixes, self.colleges or [None], strict=True):
            de = f" — {nom.nom}" if nom else ""
            for champ, libelle in (
                ("pour", "Pour"),
                ("contre", "Contre"),
                ("abstention", "Abstentions"),
            ):
                self.fields[f"{champ}_{prefixe}".rstrip("_")] = forms.IntegerField(
                    label=f"{libelle}{de}", min_value=0, max_value=MAX_VOIX, required=False
                )

    def proposer(self, corrigeables: list[tuple[int, str]]) -> DecisionForm:
        """Les décisions à corriger (`selectors.decisions_a_corriger`), déjà lues."""
        _options(self.fields["corrige"], corrigeables)
        return self

    def styled(self) -> DecisionForm:
        """Les classes Bootstrap (phares.forms.style_form), les boutons radio à part."""
        style_form(self)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        return self

    def voix_par_college(self):
        for c in self.colleges:
            yield c, [self[f"{champ}_{c.pk}"] for champ in ("pour", "contre", "abstention")]

    def clean(self):
        data = super().clean()
        if data.get("mode") != Decision.Mode.VOTE:
            return data
        noms = [
            f"{champ}_{c.pk}" for c in self.colleges for champ in ("pour", "contre", "abstention")
        ] or ["pour", "contre", "abstention"]
        if all(data.get(n) is None for n in noms):
            self.add_error(noms[0], "Indiquez les voix (0 s'il n'y en a pas).")
        return data

    def vote(self) -> Vote:
        d = self.cleaned_data
        if d["mode"] == Decision.Mode.CONSENSUS:
            return Vote.consensus()
        if self.colleges:
            return Vote(
                mode=d["mode"],
                par_college={
                    c.pk: Voix(
                        d.get(f"pour_{c.pk}") or 0,
                        d.get(f"contre_{c.pk}") or 0,
                        d.get(f"abstention_{c.pk}") or 0,
                    )
                    for c in self.colleges
                },
            )
        return Vote(
            mode=d["mode"],
            voix=Voix(d.get("pour") or 0, d.get("contre") or 0, d.get("abstention") or 0),
        )

    def champs(self) -> dict:
        d = self.cleaned_data
        return {
            "titre": d["titre"],
            "texte": d["texte"],
            "categorie": d["categorie"],
            "corrige": d.get("corrige"),
            "vote": self.vote(),
        }


def _initial(decision: Decision) -> dict:
    initial = {
        "titre": decision.titre,
        "texte": decision.texte,
        "categorie": decision.categorie,
        "mode": decision.mode,
        "corrige": decision.corrige_id,
        "pour": decision.pour,
        "contre": decision.contre,
        "abstention": decision.abstention,
    }
    for v in decision.votes_colleges.all():
        initial |= {
            f"pour_{v.college_id}": v.pour,
            f"contre_{v.college_id}": v.contre,
            f"abstention_{v.college_id}": v.abstention,
        }
    return initial


class ActionForm(forms.Form):
    libelle = forms.CharField(label="Action", max_length=300)
    responsable = forms.ModelChoiceField(label="Responsable", queryset=None)
    echeance = DateBornee(label="Échéance")
    decision = forms.ModelChoiceField(
        label="Décision liée", queryset=None, required=False, empty_label="Aucune"
    )

    def __init__(self, *args, seance: Seance, personnes=None, **kwargs):
        super().__init__(*args, prefix="action", **kwargs)
        if personnes is None:  # as RedactionForm
            personnes = selectors.responsables_possibles(le=temps.jour(seance.debut))
        self.fields["responsable"].queryset = personnes
        self.fields["decision"].queryset = seance.decisions.order_by("rang", "pk")
        self.fields["decision"].label_from_instance = lambda d: d.titre
        self.fields["echeance"].initial = temps.jour(seance.debut) + datetime.timedelta(days=30)

    def proposer(self, *, personnes: list[tuple[int, str]], decisions) -> ActionForm:
        """Les responsables possibles (`selectors.personnes_a_choisir`) et les décisions de
        la séance (dans l'ordre du procès-verbal), déjà lus."""
        _options(self.fields["responsable"], personnes)
        _options(self.fields["decision"], [(d.pk, d.titre) for d in decisions])
        return self


class ActionStatutForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=Action.Statut.choices)
    commentaire = forms.CharField(label="Commentaire", max_length=500, required=False)


class PropositionForm(forms.Form):
    titre = forms.CharField(label="Point à mettre à l'ordre du jour", max_length=200)
    description = forms.CharField(
        label="Précisions",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CollegeForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    nom = forms.CharField(label="Nom du collège", max_length=100, required=False)
    poids = forms.DecimalField(
        label="Poids (% des voix)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("nom") and data.get("poids") is None:
            self.add_error("poids", "Indiquez le poids de ce collège.")
        if data.get("poids") is not None and not data.get("nom"):
            self.add_error("nom", "Nommez ce collège.")
        return data


CollegeFormSet = forms.formset_factory(CollegeForm, extra=2, max_num=20, absolute_max=20)


class AffectationForm(forms.Form):
    """Le collège de chaque associé·e actif·ve."""

    def __init__(self, *args, associes, colleges, **kwargs):
        super().__init__(*args, prefix="affectation", **kwargs)
        self.associes = list(associes)
        choix = [("", "Aucun")] + [(str(c.pk), c.nom) for c in colleges]
        for a in self.associes:
            self.fields[f"associe_{a.pk}"] = forms.TypedChoiceField(
                label=f"Collège de {a}",
                choices=choix,
                coerce=int,
                empty_value=None,
                required=False,
                initial=a.college_id or "",
            )

    def affectations(self) -> dict[int, int | None]:
        return {a.pk: self.cleaned_data.get(f"associe_{a.pk}") for a in self.associes}
