"""Formulaires des réservations : règles des ressources, créneaux, réservations de salle
(seule ou en série), de vélo, extérieures, demande publique, annulation."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator

from phares.forms import DateBornee
from phares.lib import dates, temps

from ..models import ClientExterne, Reservation, Ressource, SerieReservations
from ..notifications import MARQUE_CRENEAU, MARQUE_MOTIF
from ..services import Organisation
from ..services.demandes import MOTIF_MAX, REPONSE_MAX
from ..services.espaces import CHAMPS_REGLES
from ._champs import TIME


def _structures_au_choix(field: forms.ModelChoiceField, structures) -> None:
    """Les structures pour lesquelles on réserve ; la seule possible est présélectionnée."""
    field.queryset = structures
    premieres = list(structures[:2])
    if len(premieres) == 1:
        field.initial = premieres[0]


class RegleForm(forms.ModelForm):
    # Longer than the stored 7 digits: "1 2 3 4 5" is cleaned down to "12345".
    jours_ouverture = forms.CharField(
        label="Jours d'ouverture",
        max_length=20,
        help_text=Ressource._meta.get_field("jours_ouverture").help_text,
    )

    class Meta:
        model = Ressource
        fields = list(CHAMPS_REGLES)  # the service checks and journals the same fields
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


class CreneauForm(forms.Form):
    """Date + heures de Paris -> [debut, fin[ conscients."""

    date = DateBornee(label="Date")
    heure_debut = forms.TimeField(label="De", widget=TIME)
    heure_fin = forms.TimeField(label="À", widget=TIME)

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


class EstimationForm(CreneauForm):
    """Ce qu'il faut pour dire le prix d'une réservation (ou d'une série) avant de la faire :
    le créneau, la structure et la répétition. Lu aussi par le fragment htmx du prix."""

    structure = forms.ModelChoiceField(label="Pour la structure", queryset=None)  # in __init__
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
    jusqu_au = DateBornee(label="Jusqu'au (inclus)", required=False)
    nombre = forms.IntegerField(
        label="Ou nombre de fois",
        required=False,
        min_value=1,
        max_value=200,
        help_text="Chaque jour : les jours où la salle est fermée sont sautés et ne comptent pas.",
    )
    # Optional for the estimate (1 if empty): the capacity is checked with it, as the
    # booking will (required there).
    nb_personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=1000, required=False
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


class ReservationForm(EstimationForm):
    titre = forms.CharField(label="Objet", max_length=200)
    nb_personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=1000, initial=1
    )

    field_order = ["date", "heure_debut", "heure_fin", "titre", "nb_personnes", "structure"]


class ModificationForm(CreneauForm):
    """Déplacer ou modifier une réservation : le créneau, l'objet, le nombre de personnes."""

    titre = forms.CharField(label="Objet", max_length=200)
    nb_personnes = forms.IntegerField(label="Nombre de personnes", min_value=1, max_value=1000)

    @classmethod
    def initial_de(cls, r) -> dict:
        d, f = temps.paris(r.debut), temps.paris(r.fin)
        return {
            "date": d.date(),
            "heure_debut": d.time(),
            "heure_fin": f.time(),
            "titre": r.titre,
            "nb_personnes": r.nb_personnes,
        }


class DeplacementForm(forms.Form):
    """Le nouveau début d'une réservation déplacée sur la grille ; la durée ne change pas."""

    date = DateBornee(label="Date")
    heure_debut = forms.TimeField(label="Nouvelle heure de début", widget=TIME)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("heure_debut"):
            cleaned["debut"] = temps.aware(cleaned["date"], cleaned["heure_debut"])
        return cleaned


class PrixAccepteForm(forms.Form):
    """Le montant TTC que porte le bouton « Confirmer (X € TTC) » : la personne l'a vu et
    accepté. Illisible ou absent : la page redemande la confirmation."""

    prix_accepte = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)

    @classmethod
    def lire(cls, data) -> Decimal | None:
        form = cls(data)
        return form.cleaned_data["prix_accepte"] if form.is_valid() else None


class VeloForm(CreneauForm):
    titre = forms.CharField(label="Objet (trajet, livraison…)", max_length=200)
    structure = forms.ModelChoiceField(label="Pour la structure", queryset=None)  # in __init__

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        _structures_au_choix(self.fields["structure"], structures)


class CoordonneesForm(forms.Form):
    """Ce qu'on sait d'une organisation extérieure (ClientExterne), dans les mots des pages."""

    organisation = forms.CharField(label="Organisation", max_length=200)
    contact = forms.CharField(label="Personne de contact", max_length=200, required=False)
    # The column's length: forms accept 320 characters, PostgreSQL would refuse more than 254.
    email = forms.EmailField(label="E-mail", max_length=254)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    adresse_facturation = forms.CharField(
        label="Adresse de facturation",
        max_length=ClientExterne._meta.get_field("adresse_facturation").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    CHAMPS = ("organisation", "contact", "email", "telephone", "adresse_facturation")

    def coordonnees(self) -> Organisation:
        c = self.cleaned_data
        return Organisation(
            nom=c["organisation"],
            contact=c.get("contact", ""),
            email=c["email"],
            telephone=c.get("telephone", ""),
            adresse_facturation=c["adresse_facturation"],
        )

    @staticmethod
    def initial_de(client: ClientExterne) -> dict:
        return {
            "organisation": client.nom,
            "contact": client.contact,
            "email": client.email,
            "telephone": client.telephone,
            "adresse_facturation": client.adresse_facturation,
        }


class ExterneForm(CreneauForm, CoordonneesForm):
    titre = forms.CharField(label="Objet", max_length=200)
    nb_personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=1000, initial=1
    )

    field_order = ["date", "heure_debut", "heure_fin", "titre", "nb_personnes"]


class ChoixClientField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Two requests of one organisation make two records: the address tells them apart.
        return f"{obj.nom} — {obj.email}"


class ReservationExterneForm(ExterneForm):
    """L'équipe réserve pour un client déjà connu (choisi dans la liste, ou venu de sa fiche)
    ou pour une nouvelle organisation, décrite dans les champs qui suivent."""

    client = ChoixClientField(
        label="Client déjà connu",
        queryset=ClientExterne.objects.none(),  # in __init__
        required=False,
        empty_label="— Nouvelle organisation (à décrire ci-dessous) —",
        help_text="Un client choisi ici : les champs de la nouvelle organisation sont ignorés.",
    )

    field_order = ["date", "heure_debut", "heure_fin", "titre", "nb_personnes", "client"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = ClientExterne.objects.order_by("nom", "pk")
        for nom in CoordonneesForm.CHAMPS:
            self.fields[nom].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("client") is None and "client" not in self.errors:
            for nom in ("organisation", "email", "adresse_facturation"):
                if not cleaned.get(nom) and nom not in self.errors:
                    self.add_error(nom, "Pour une nouvelle organisation, ce champ est obligatoire.")
        return cleaned

    def coordonnees(self) -> Organisation | None:
        return None if self.cleaned_data.get("client") else super().coordonnees()


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


def salles_publiques():
    """Les salles qu'une organisation extérieure peut demander."""
    return (
        Ressource.objects.filter(
            categorie=Ressource.Categorie.SALLE, active=True, ouverte_aux_externes=True
        )
        .select_related("espace")  # its capacity, checked with the slot
        .order_by("nom")
    )


class DemandePubliqueForm(ExterneForm):
    salle = forms.ModelChoiceField(label="Salle", queryset=Ressource.objects.none())
    message = forms.CharField(
        label="Message à l'équipe",
        required=False,
        max_length=Reservation._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Installation, matériel, heure d'arrivée… (facultatif).",
    )
    # Honeypot: hidden from people, filled by bots.
    site_web = forms.CharField(required=False, max_length=200, label="Laissez ce champ vide")

    field_order = [
        "salle",
        "date",
        "heure_debut",
        "heure_fin",
        "titre",
        "nb_personnes",
        *CoordonneesForm.CHAMPS,
        "message",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = salles_publiques()
        self.fields["site_web"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_site_web(self):
        if self.cleaned_data.get("site_web"):
            raise forms.ValidationError("Demande refusée.")
        return ""


class DisponibilitesForm(forms.Form):
    """Ce que le formulaire public envoie au fragment des disponibilités : la salle, un seul
    jour (pas de période : la page ne lit jamais plus d'un jour), et les heures s'il les a
    pour dire le prix. Le jour est borné : d'aujourd'hui au délai de réservation de la salle."""

    salle = forms.ModelChoiceField(label="Salle", queryset=Ressource.objects.none())
    date = DateBornee(label="Date")
    heure_debut = forms.TimeField(label="De", required=False)
    heure_fin = forms.TimeField(label="À", required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["salle"].queryset = salles_publiques()

    def clean(self):
        cleaned = super().clean()
        salle, jour = cleaned.get("salle"), cleaned.get("date")
        if salle and jour:
            dernier = self.today + datetime.timedelta(days=salle.delai_max_jours)
            if not self.today <= jour <= dernier:
                self.add_error(
                    "date",
                    f"Choisissez un jour entre aujourd'hui et le "
                    f"{dates.date_courte(dernier, jour=True)} : {salle} se demande au plus "
                    f"{salle.delai_max_jours} jours à l'avance.",
                )
        hd, hf = cleaned.get("heure_debut"), cleaned.get("heure_fin")
        if jour and hd and hf:
            if hf <= hd:
                self.add_error("heure_fin", "L'heure de fin doit suivre l'heure de début.")
            else:
                cleaned["debut"], cleaned["fin"] = temps.aware(jour, hd), temps.aware(jour, hf)
        return cleaned


class ReponseForm(forms.Form):
    """L'e-mail que l'équipe envoie en répondant à une demande, prérempli puis relu."""

    message = forms.CharField(
        label="E-mail à l'organisation",
        max_length=REPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["message"].label = label


class RefusForm(ReponseForm):
    motif = forms.CharField(
        label="Motif du refus",
        max_length=MOTIF_MAX,
        help_text=f"Noté au journal, et mis à la place de « {MARQUE_MOTIF} » dans l'e-mail.",
    )

    field_order = ["motif", "message"]


class PropositionForm(CreneauForm, ReponseForm):
    field_order = ["date", "heure_debut", "heure_fin", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "message"
        ].help_text = f"« {MARQUE_CRENEAU} » y est remplacé par le créneau choisi ci-dessus."
