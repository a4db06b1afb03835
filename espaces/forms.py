import datetime

from django import forms
from django.core.validators import MaxValueValidator

from habitants.models import Structure
from phares.forms import valider_image
from phares.lib import temps
from phares.lib.slugs import slug_libre

from .models import (
    TYPES_OCCUPES,
    Batiment,
    ClientExterne,
    Consommation,
    Espace,
    Etage,
    Ressource,
    SerieReservations,
    Tarif,
    TypeEspace,
)

# Taken by fixed URLs under /espaces/.
RESERVED_SLUGS = {"nouveau", "batiment", "conventions", "tarifs", "consommations", "forfaits"}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")

# Dates the pages accept: the views step a day or a week either side, and 0001-01-01 or
# 9999-12-31 would overflow datetime.date there (or in the UTC conversion).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


def _fin_apres_debut(form: forms.Form, cleaned: dict) -> None:
    d, f = cleaned.get("debut"), cleaned.get("fin")
    if d and f and f < d:
        form.add_error("fin", "La fin ne peut pas précéder le début.")


def _structures_au_choix(field: forms.ModelChoiceField, structures) -> None:
    """Les structures pour lesquelles on réserve ; la seule possible est présélectionnée."""
    field.queryset = structures
    premieres = list(structures[:2])
    if len(premieres) == 1:
        field.initial = premieres[0]


class EspaceForm(forms.ModelForm):
    reservable = forms.BooleanField(label="Réservable (salle partagée)", required=False)
    ouverte_aux_externes = forms.BooleanField(
        label="Réservable aussi par des organisations extérieures", required=False
    )

    class Meta:
        model = Espace
        fields = [
            "nom",
            "etage",
            "type",
            "surface_m2",
            "capacite",
            "nb_postes",
            "equipements",
            "accessible_pmr",
            "accessibilite",
            "photo",
        ]
        widgets = {
            "equipements": forms.Textarea(attrs={"rows": 2}),
            "accessibilite": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ressource = getattr(self.instance, "ressource", None) if self.instance.pk else None
        if ressource is not None:
            self.fields["reservable"].initial = ressource.active
            self.fields["ouverte_aux_externes"].initial = ressource.ouverte_aux_externes

    def clean(self):
        cleaned = super().clean()
        type_ = cleaned.get("type")
        if type_ == TypeEspace.COTRAVAIL and not cleaned.get("nb_postes"):
            self.add_error("nb_postes", "Indiquez le nombre de postes du co-travail.")
        if type_ in TYPES_OCCUPES and cleaned.get("reservable"):
            self.add_error(
                "reservable", "Un bureau ou le co-travail se loue par convention, pas à l'heure."
            )
        return cleaned

    def clean_photo(self):
        return valider_image(self.cleaned_data.get("photo"))

    def slug_for(self, nom: str) -> str:
        # A bookable room's Ressource takes the same slug, and bikes have slugs too.
        ressources = Ressource.objects.all()
        if self.instance.pk:
            ressources = ressources.exclude(espace_id=self.instance.pk)
        espaces = Espace.objects.exclude(pk=self.instance.pk)
        return slug_libre(
            nom,
            defaut="espace",
            reserves=RESERVED_SLUGS,
            pris=lambda slug: (
                espaces.filter(slug=slug).exists() or ressources.filter(slug=slug).exists()
            ),
        )


class RegleForm(forms.ModelForm):
    # Longer than the stored 7 digits: "1 2 3 4 5" is cleaned down to "12345".
    jours_ouverture = forms.CharField(
        label="Jours d'ouverture",
        max_length=20,
        help_text=Ressource._meta.get_field("jours_ouverture").help_text,
    )

    class Meta:
        model = Ressource
        fields = [
            "heure_ouverture",
            "heure_fermeture",
            "jours_ouverture",
            "duree_min_minutes",
            "duree_max_minutes",
            "delai_max_jours",
            "preavis_annulation_heures",
            "battement_minutes",
        ]
        widgets = {"heure_ouverture": TIME, "heure_fermeture": TIME}

    # Far below the columns' limits: the booking code adds these to datetimes
    # (timedelta overflows past 999,999,999 days) and a booking fits in one day.
    MAXIMA = {
        "duree_min_minutes": 24 * 60,
        "duree_max_minutes": 24 * 60,
        "delai_max_jours": 10 * 366,
        "preavis_annulation_heures": 366 * 24,
        "battement_minutes": 24 * 60,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, maximum in self.MAXIMA.items():
            field = self.fields[name]
            field.max_value = maximum
            field.validators.append(MaxValueValidator(maximum))
            field.widget.attrs["max"] = maximum

    def clean_jours_ouverture(self):
        value = "".join(sorted(set(self.cleaned_data["jours_ouverture"].replace(" ", ""))))
        if not value or any(c not in "1234567" for c in value):
            raise forms.ValidationError("Chiffres de 1 (lundi) à 7 (dimanche), par exemple 12345.")
        return value

    def clean(self):
        cleaned = super().clean()
        o, f = cleaned.get("heure_ouverture"), cleaned.get("heure_fermeture")
        if o and f and f <= o:
            self.add_error("heure_fermeture", "La fermeture doit suivre l'ouverture.")
        mn, mx = cleaned.get("duree_min_minutes"), cleaned.get("duree_max_minutes")
        if mn is not None and mx is not None and mx < mn:
            self.add_error(
                "duree_max_minutes", "La durée maximale doit dépasser la durée minimale."
            )
        return cleaned


class ConventionForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    espace = forms.ModelChoiceField(label="Bureau ou co-travail", queryset=Espace.objects.none())
    poste = forms.IntegerField(
        label="Poste (co-travail)",
        required=False,
        min_value=1,
        max_value=500,  # Espace.nb_postes' own limit
        help_text="Laissez vide pour attribuer le premier poste libre.",
    )
    debut = forms.DateField(label="Début", widget=DATE)
    fin = forms.DateField(
        label="Fin (incluse)", required=False, widget=DATE, help_text="Vide : sans terme."
    )
    montant_mensuel_ht = forms.DecimalField(
        label="Loyer mensuel HT (€)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Vide : calculé d'après le tarif en vigueur (surface × prix au m², ou poste).",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.actives().order_by("nom")
        self.fields["espace"].queryset = Espace.objects.filter(
            archive=False, type__in=TYPES_OCCUPES
        ).order_by("nom")

    def clean(self):
        cleaned = super().clean()
        _fin_apres_debut(self, cleaned)
        return cleaned


class TerminerConventionForm(forms.Form):
    fin = forms.DateField(label="Dernier jour d'occupation (inclus)", widget=DATE)


class TarifForm(forms.ModelForm):
    class Meta:
        model = Tarif
        fields = ["code", "ressource", "montant_ht", "taux_tva", "debut", "fin"]
        widgets = {"debut": DATE, "fin": DATE}

    def clean(self):
        cleaned = super().clean()
        _fin_apres_debut(self, cleaned)
        return cleaned


class ConsommationForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    service = forms.ChoiceField(label="Service", choices=Consommation.Service.choices)
    date = forms.DateField(label="Date", widget=DATE)
    quantite = forms.IntegerField(label="Quantité", min_value=1, max_value=100000)
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=200)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class CreneauForm(forms.Form):
    """Date + heures de Paris -> [debut, fin[ conscients."""

    date = forms.DateField(label="Date", widget=DATE)
    heure_debut = forms.TimeField(label="De", widget=TIME)
    heure_fin = forms.TimeField(label="À", widget=TIME)

    def clean_date(self):
        jour = self.cleaned_data["date"]
        if not DATE_MIN <= jour <= DATE_MAX:
            raise forms.ValidationError("Saisissez une date valide.")
        return jour

    def clean(self):
        cleaned = super().clean()
        jour, hd, hf = cleaned.get("date"), cleaned.get("heure_debut"), cleaned.get("heure_fin")
        if jour and hd and hf:
            if hf <= hd:
                self.add_error("heure_fin", "L'heure de fin doit suivre l'heure de début.")
            else:
                cleaned["debut"] = temps.aware(jour, hd)
                cleaned["fin"] = temps.aware(jour, hf)
        return cleaned


class ReservationForm(CreneauForm):
    titre = forms.CharField(label="Objet", max_length=200)
    nb_personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=1000, initial=1
    )
    structure = forms.ModelChoiceField(label="Pour la structure", queryset=Structure.objects.none())
    frequence = forms.ChoiceField(
        label="Répéter",
        choices=[("", "Ne pas répéter"), *SerieReservations.Frequence.choices],
        required=False,
    )
    intervalle = forms.IntegerField(
        label="Tous les (jours, semaines ou mois)",
        min_value=1,
        max_value=12,
        initial=1,
        required=False,
    )
    jusqu_au = forms.DateField(label="Jusqu'au (inclus)", required=False, widget=DATE)
    nombre = forms.IntegerField(
        label="Ou nombre de fois", required=False, min_value=1, max_value=200
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        _structures_au_choix(self.fields["structure"], structures)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("frequence"):
            jusqu_au, nombre = cleaned.get("jusqu_au"), cleaned.get("nombre")
            if (jusqu_au is None) == (nombre is None):
                self.add_error(
                    "jusqu_au",
                    "Pour répéter, indiquez une date de fin ou un nombre de fois (l'un des deux).",
                )
            jour = cleaned.get("date")
            if jusqu_au and jour and jusqu_au < jour:
                self.add_error("jusqu_au", "La fin de la série précède la première date.")
            cleaned["intervalle"] = cleaned.get("intervalle") or 1
        return cleaned


class VeloForm(CreneauForm):
    titre = forms.CharField(label="Objet (trajet, livraison…)", max_length=200)
    structure = forms.ModelChoiceField(label="Pour la structure", queryset=Structure.objects.none())

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        _structures_au_choix(self.fields["structure"], structures)


class ExterneForm(CreneauForm):
    titre = forms.CharField(label="Objet", max_length=200)
    nb_personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=1000, initial=1
    )
    organisation = forms.CharField(label="Organisation", max_length=200)
    contact = forms.CharField(label="Personne de contact", max_length=200, required=False)
    # The column's length: forms accept 320 characters, PostgreSQL would refuse more than 254.
    email = forms.EmailField(label="E-mail", max_length=254)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    adresse_facturation = forms.CharField(
        label="Adresse de facturation", widget=forms.Textarea(attrs={"rows": 3})
    )

    def client(self) -> ClientExterne:
        c = self.cleaned_data
        return ClientExterne(
            nom=c["organisation"],
            contact=c.get("contact", ""),
            email=c["email"],
            telephone=c.get("telephone", ""),
            adresse_facturation=c["adresse_facturation"],
        )


class AnnulationForm(forms.Form):
    portee = forms.ChoiceField(
        label="Annuler",
        choices=[
            ("une", "Cette réservation seulement"),
            ("suivantes", "Celle-ci et les suivantes de la série"),
            ("serie", "Toute la série"),
        ],
        initial="une",
        widget=forms.RadioSelect,
    )


def parse_date(value: str | None, default: datetime.date) -> datetime.date:
    """Date d'URL (AAAA-MM-JJ) ; une valeur mal formée ou hors de portée retombe sur
    `default` (jamais de 500)."""
    if not value:
        return default
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        return default
    return parsed if DATE_MIN <= parsed <= DATE_MAX else default


class ForfaitForm(forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    heures_par_mois = forms.IntegerField(
        label="Heures de salle incluses par mois",
        min_value=0,
        max_value=744,
        help_text="0 = illimité.",
    )
    debut = forms.DateField(label="À partir du", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.actives().order_by("nom")


class DemandePubliqueForm(ExterneForm):
    salle = forms.ModelChoiceField(label="Salle", queryset=Ressource.objects.none())
    # Honeypot: hidden from people, filled by bots.
    site_web = forms.CharField(required=False, label="Laissez ce champ vide")

    field_order = ["salle", "date", "heure_debut", "heure_fin"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = Ressource.objects.filter(
            categorie=Ressource.Categorie.SALLE, active=True, ouverte_aux_externes=True
        ).order_by("nom")
        self.fields["site_web"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_site_web(self):
        if self.cleaned_data.get("site_web"):
            raise forms.ValidationError("Demande refusée.")
        return ""


class BatimentForm(forms.ModelForm):
    class Meta:
        model = Batiment
        fields = ["nom", "adresse", "surface_m2"]


EtageFormSet = forms.inlineformset_factory(
    Batiment,
    Etage,
    fields=["niveau", "nom"],
    extra=1,
    can_delete=False,
    min_num=1,
    validate_min=True,
)
