import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from stdnum import bic as stdnum_bic
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from habitants import selectors as habitants_selectors
from phares.forms import DateBornee, DecimalFrancais, style_form
from phares.lib import dates
from phares.lib.money import format_euros

from . import comptes, exports
from .models import Cooperative, Paiement, valider_ics, valider_rum
from .selectors import reste
from .sepa import compacter_iban
from .services import FacturationError

MOIS_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MoisField(forms.CharField):
    """Un mois « AAAA-MM » (sélecteur de mois du navigateur) -> son premier jour."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        m = MOIS_RE.match(value.strip())
        if not m or not 1900 <= int(m.group(1)) <= 2999 or not 1 <= int(m.group(2)) <= 12:
            raise ValidationError("Saisissez un mois au format AAAA-MM (par exemple 2015-03).")
        return datetime.date(int(m.group(1)), int(m.group(2)), 1)


class MoisForm(forms.Form):
    mois = MoisField(label="Mois à facturer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class EmettreForm(forms.Form):
    date_emission = DateBornee(
        label="Date d'émission",
        help_text="Aujourd'hui par défaut ; jamais dans le futur.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LigneForm(forms.Form):
    libelle = forms.CharField(label="Désignation", max_length=300)
    quantite = forms.DecimalField(
        label="Quantité",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        error_messages={"min_value": "La quantité est positive."},
    )
    prix_unitaire_ht = forms.DecimalField(
        label="Prix unitaire HT (€)",
        max_digits=12,
        decimal_places=4,
        min_value=Decimal("0"),
        error_messages={"min_value": "Le prix n'est pas négatif : une remise se fait par avoir."},
    )
    taux_tva = forms.TypedChoiceField(
        label="Taux de TVA",
        choices=[("20", "20 %"), ("10", "10 %"), ("5.5", "5,5 %"), ("2.1", "2,1 %"), ("0", "0 %")],
        coerce=Decimal,
        initial="20",
    )
    exoneration = forms.CharField(
        label="Base légale de l'exonération (si 0 %)", max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class CooperativeForm(forms.ModelForm):
    # Longer than the stored values: people type them with spaces, the clean_ methods compact.
    siren = forms.CharField(label="SIREN", max_length=20)
    siret = forms.CharField(label="SIRET", max_length=30)
    tva_intracom = forms.CharField(
        label="N° de TVA intracommunautaire", max_length=30, required=False
    )
    iban = forms.CharField(label="IBAN", max_length=50)
    bic = forms.CharField(label="BIC", max_length=20, required=False)
    ics = forms.CharField(
        label="Identifiant créancier SEPA (ICS)",
        max_length=50,
        required=False,
        help_text=Cooperative._meta.get_field("ics").help_text,
    )

    class Meta:
        model = Cooperative
        fields = [
            "raison_sociale",
            "forme",
            "capital",
            "adresse",
            "code_postal",
            "ville",
            "siren",
            "siret",
            "rcs",
            "tva_intracom",
            "email",
            "telephone",
            "iban",
            "bic",
            "ics",
            "delai_paiement_jours",
            "penalites",
            "mention_exoneration",
        ]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_siren(self):
        v = stdnum_siren.compact(self.cleaned_data["siren"])
        if not stdnum_siren.is_valid(v):
            raise ValidationError("Ce SIREN n'est pas valide (9 chiffres, clé de contrôle).")
        return v

    def clean_siret(self):
        v = stdnum_siret.compact(self.cleaned_data["siret"])
        if not stdnum_siret.is_valid(v):
            raise ValidationError("Ce SIRET n'est pas valide (14 chiffres, clé de contrôle).")
        return v

    def clean_tva_intracom(self):
        v = stdnum_tva.compact(self.cleaned_data["tva_intracom"] or "")
        if v and not stdnum_tva.is_valid(v):
            raise ValidationError("Ce numéro de TVA n'est pas valide (FR + clé + SIREN).")
        return v

    def clean_iban(self):
        try:
            return IBAN(self.cleaned_data["iban"]).compact
        except iban_errors.SchwiftyException as exc:
            raise ValidationError(
                "Cet IBAN n'est pas valide (vérifiez le pays, la longueur et la clé)."
            ) from exc

    def clean_bic(self):
        v = (self.cleaned_data["bic"] or "").replace(" ", "").upper()
        if v and not stdnum_bic.is_valid(v):
            raise ValidationError("Ce BIC n'est pas valide (8 ou 11 caractères).")
        return v

    def clean_ics(self):
        v = (self.cleaned_data["ics"] or "").replace(" ", "").replace("-", "").upper()
        valider_ics(v)
        return v

    def clean(self):
        data = super().clean()
        siren, siret = data.get("siren"), data.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", "Le SIRET commence par le SIREN.")
        tva = data.get("tva_intracom")
        if siren and tva and tva[-9:] != siren:
            self.add_error("tva_intracom", "Le numéro de TVA se termine par le SIREN.")
        return data


class MontantField(DecimalFrancais):
    """Un montant en euros, au centime, positif (phares.forms.DecimalFrancais : « 1 234,50 »
    comme « 1234.50 »)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault(
            "error_messages",
            {
                "min_value": "Le montant est positif.",
                "invalid": "Saisissez un montant en euros (par exemple 1234,50).",
                "max_decimal_places": "Au centime près : deux chiffres après la virgule.",
                "max_digits": "Ce montant est trop grand.",
                "max_whole_digits": "Ce montant est trop grand.",
            },
        )
        super().__init__(**kwargs)


class PaiementForm(forms.Form):
    """Un paiement d'un client, imputé sur les factures cochées (la plus ancienne d'abord)."""

    factures = forms.TypedMultipleChoiceField(
        label="Factures réglées",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une facture à régler.",
            "invalid_choice": "Cette facture n'est plus à régler : rechargez la page.",
        },
    )
    date = DateBornee(label="Reçu le")
    montant = MontantField(label="Montant reçu (€)")
    moyen = forms.ChoiceField(label="Moyen de paiement", choices=Paiement.Moyen.choices)
    reference = forms.CharField(
        label="Référence",
        max_length=140,
        required=False,
        help_text="N° de chèque, libellé du virement…",
    )

    def __init__(self, *args, factures=(), **kwargs):
        """`factures` : celles du client qui restent dues, annotées de leur solde."""
        super().__init__(*args, **kwargs)
        self._factures = {f.pk: f for f in factures}
        self.fields["factures"].choices = [
            (
                f.pk,
                f"{f.numero} du {f.date_emission:%d/%m/%Y}, échéance "
                f"{f.date_echeance:%d/%m/%Y} — reste {format_euros(reste(f))}",
            )
            for f in factures
        ]
        style_form(self)

    def clean_factures(self):
        return [self._factures[pk] for pk in self.cleaned_data["factures"]]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError("Un paiement ne se reçoit pas dans le futur.")
        return date


class AnnulationPaiementForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        max_length=300,
        help_text="Chèque rejeté, saisi sur le mauvais client…",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class AvoirForm(forms.Form):
    lignes = forms.TypedMultipleChoiceField(
        label="Lignes à annuler",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une ligne à corriger.",
            "invalid_choice": "Cette ligne est déjà corrigée : rechargez la page.",
        },
    )
    motif = forms.CharField(
        label="Motif de l'avoir",
        max_length=300,
        help_text="Imprimé sur l'avoir : « réservation annulée », « erreur de surface »…",
    )
    date_emission = DateBornee(label="Date de l'avoir")

    def __init__(self, *args, lignes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._lignes = {lg.pk: lg for lg in lignes}
        self.fields["lignes"].choices = [
            (lg.pk, f"{lg.libelle} — {format_euros(lg.montant_ht + lg.montant_tva)} TTC")
            for lg in lignes
        ]
        style_form(self)

    def clean_lignes(self):
        return [self._lignes[pk] for pk in self.cleaned_data["lignes"]]

    def clean_date_emission(self):
        date = self.cleaned_data["date_emission"]
        if date > timezone.localdate():
            raise ValidationError("Un avoir ne s'émet pas à une date future.")
        return date


# --- Prélèvement SEPA ---------------------------------------------------------------------


class MandatForm(forms.Form):
    """Un mandat signé, recopié du papier (ou du PDF) que la structure a renvoyé."""

    structure = forms.ModelChoiceField(
        label="Structure",
        queryset=None,
        empty_label="Choisir une structure",
        error_messages={"invalid_choice": "Choisissez une structure de la liste."},
    )
    reference = forms.CharField(
        label="Référence unique du mandat (RUM)",
        max_length=35,
        help_text="Celle imprimée sur le mandat : 35 caractères au plus, lettres sans accent, "
        "chiffres et / - ? : ( ) . , ' + (par exemple PHARES-HALAGE-2015).",
    )
    date_signature = DateBornee(label="Signé le")
    titulaire = forms.CharField(
        label="Titulaire du compte",
        max_length=70,
        required=False,
        help_text="Si ce n'est pas la structure elle-même.",
    )
    iban = forms.CharField(label="IBAN du compte à prélever", max_length=50)
    bic = forms.CharField(
        label="BIC",
        max_length=20,
        required=False,
        help_text="Facultatif : déduit de l'IBAN quand la banque le publie.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = habitants_selectors.structures_actives()
        style_form(self)

    def clean_reference(self):
        v = self.cleaned_data["reference"]
        valider_rum(v)
        return v

    def clean_date_signature(self):
        date = self.cleaned_data["date_signature"]
        if date > timezone.localdate():
            raise ValidationError("Un mandat ne se signe pas dans le futur.")
        return date

    def clean_iban(self):
        try:
            return compacter_iban(self.cleaned_data["iban"])
        except FacturationError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_bic(self):
        v = (self.cleaned_data["bic"] or "").replace(" ", "").upper()
        if v and not stdnum_bic.is_valid(v):
            raise ValidationError("Ce BIC n'est pas valide (8 ou 11 caractères).")
        return v


class RemiseForm(forms.Form):
    """Les factures dues à prélever (de structures qui ont un mandat actif) et la date."""

    factures = forms.TypedMultipleChoiceField(
        label="Factures à prélever",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une facture à prélever.",
            "invalid_choice": "Cette facture n'est plus à prélever (payée, présentée ou sans "
            "mandat) : rechargez la page.",
        },
    )
    date_prelevement = DateBornee(
        label="Date de prélèvement",
        help_text="Le jour où les comptes sont débités : votre banque veut en général le "
        "fichier au moins un jour ouvré avant.",
    )

    def __init__(self, *args, factures=(), mandats=None, **kwargs):
        """`factures` : les factures prélevables, annotées de leur solde ; `mandats` : le
        mandat actif de chaque structure (clé : structure)."""
        super().__init__(*args, **kwargs)
        mandats = mandats or {}
        self._factures = {f.pk: f for f in factures}
        self.fields["factures"].choices = [
            (
                f.pk,
                f"{f.numero} — {f.structure} — échéance {f.date_echeance:%d/%m/%Y} — "
                f"{format_euros(reste(f))}"
                + (f" (mandat {m.reference})" if (m := mandats.get(f.structure_id)) else ""),
            )
            for f in factures
        ]
        style_form(self)

    def clean_factures(self):
        return [self._factures[pk] for pk in self.cleaned_data["factures"]]

    def clean_date_prelevement(self):
        date = self.cleaned_data["date_prelevement"]
        if date < timezone.localdate():
            raise ValidationError(
                "La date de prélèvement est passée : choisissez aujourd'hui ou plus tard."
            )
        return date


class AnnulationRemiseForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        max_length=300,
        help_text="Fichier refusé par la banque, jamais envoyé, mauvaise date…",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class PeriodeForm(forms.Form):
    """La période d'un export : dates d'émission, bornes incluses ; un an au plus, pas dans
    le futur."""

    du = DateBornee(label="Du")
    au = DateBornee(label="Au (inclus)")

    def __init__(self, *args, aujourd_hui: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourd_hui = aujourd_hui
        style_form(self)

    def clean(self):
        data = super().clean()
        du, au = data.get("du"), data.get("au")
        for nom, jour in (("du", du), ("au", au)):
            if jour and jour > self.aujourd_hui:
                self.add_error(
                    nom,
                    f"Le {dates.date_courte(jour)} n'est pas encore passé : une période "
                    "s'arrête au plus tard aujourd'hui.",
                )
        if du and au and au < du:
            self.add_error("au", "La fin de la période précède son début.")
        elif du and au and (au - du).days + 1 > exports.PERIODE_MAX_JOURS:
            self.add_error(
                "au",
                f"Une période compte {exports.PERIODE_MAX_JOURS} jours au plus : exportez "
                "un exercice plus long en plusieurs fois.",
            )
        return data

    @property
    def periode(self) -> exports.Periode:
        return exports.Periode(self.cleaned_data["du"], self.cleaned_data["au"])


class ComptesForm(forms.Form):
    """Un numéro et un intitulé par clé du plan (`comptes.CLES`), pré-remplis avec les comptes
    en vigueur."""

    def __init__(self, *args, plan: comptes.PlanComptable, **kwargs):
        super().__init__(*args, **kwargs)
        for cle in comptes.CLES:
            compte = plan[cle.cle]
            self.fields[f"{cle.cle}__numero"] = forms.CharField(
                label=f"Compte — {cle.intitule}", max_length=20, initial=compte.numero
            )
            self.fields[f"{cle.cle}__libelle"] = forms.CharField(
                label=f"Intitulé — {cle.intitule}", max_length=100, initial=compte.libelle
            )
        style_form(self)

    def clean(self):
        data = super().clean()
        for cle in comptes.CLES:
            champ = f"{cle.cle}__numero"
            if champ not in data:
                continue  # already refused (empty, too long)
            numero = data[champ].replace(" ", "")  # "706 000" as people type it
            erreur = comptes.verifier(cle.cle, numero)
            if erreur:
                self.add_error(champ, erreur)
            else:
                data[champ] = numero
        return data

    def rangees(self):
        """(clé, champ du numéro, champ de l'intitulé) par groupe, pour le gabarit."""
        groupes: dict[str, list] = {}
        for cle in comptes.CLES:
            groupes.setdefault(comptes.GROUPES[cle.groupe], []).append(
                (cle, self[f"{cle.cle}__numero"], self[f"{cle.cle}__libelle"])
            )
        return groupes.items()

    @property
    def plan_saisi(self) -> dict[str, comptes.Compte]:
        return {
            cle.cle: comptes.Compte(
                self.cleaned_data[f"{cle.cle}__numero"], self.cleaned_data[f"{cle.cle}__libelle"]
            )
            for cle in comptes.CLES
        }
