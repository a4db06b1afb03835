"""Formulaires des photos : téléverser, décrire ; filtre de la galerie."""

import django_filters
from django import forms
from django.conf import settings

from phares.forms import ChoixDeModeleFilter, DateBornee

from .. import roles, selectors
from ..models import Axe, Evenement, Photo, Projet
from ..services import photos as services

ACCEPT = "image/jpeg,image/png,image/webp"


class PhotoForm(forms.ModelForm):
    """Une photo et ce qu'elle illustre. Pour une ou un référent : un des projets de ses
    structures, sans événement, axe ni publication (la gestion en décide)."""

    fichier = forms.FileField(
        label="Photo",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Photo
        fields = [
            "legende",
            "texte_alternatif",
            "date",
            "credit",
            "projet",
            "evenement",
            "axe",
            "publique",
        ]
        field_classes = {"date": DateBornee}
        labels = {"texte_alternatif": "Description pour qui ne voit pas l'image"}
        help_texts = {
            "legende": "Affichée sous la photo : « Déjeuner au réfectoire ».",
            "texte_alternatif": "Ce que montre la photo, en une phrase (lue par les lecteurs "
            "d'écran) : « Une vingtaine d'habitants attablés dans le réfectoire ».",
            "credit": "Qui l'a prise : « Photo : Halage ».",
            "publique": "Elle paraît alors sur la page publique de la vie du pôle, si son projet "
            "ou son événement (s'il y en a un) y paraît aussi.",
        }

    def __init__(self, *args, user, creation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.gestion = roles.is_gestion(user)
        if creation:
            mo = settings.PROJETS_PHOTO_MAX_OCTETS // (1024 * 1024)
            self.fields["fichier"].help_text = (
                f"JPEG, PNG ou WebP, {mo} Mo au plus. Elle est gardée en trois tailles "
                "(impression, web, vignette), sans ses métadonnées (lieu GPS, appareil)."
            )
        else:
            del self.fields["fichier"]
        self.fields["texte_alternatif"].required = True
        self.fields["projet"].queryset = services.projets_illustrables(user).order_by("nom")
        self.fields["projet"].empty_label = "Aucun"
        if self.gestion:
            self.fields["evenement"].queryset = Evenement.objects.order_by("-date")
            self.fields["evenement"].empty_label = "Aucun"
            self.fields["axe"].queryset = Axe.objects.all()
            self.fields["axe"].empty_label = "Celui du projet ou de l'événement"
        else:
            for nom in ("evenement", "axe", "publique"):
                del self.fields[nom]
            self.fields["projet"].required = True
            self.fields["projet"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        if self.gestion and not any(cleaned.get(n) for n in ("projet", "evenement", "axe")):
            raise forms.ValidationError(
                "Dites ce que la photo illustre : un projet, un événement ou un axe."
            )
        return cleaned


class PhotoFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(
        label="Année", field_name="date", lookup_expr="year", min_value=1900, max_value=2999
    )
    axe = ChoixDeModeleFilter(
        label="Axe", queryset=Axe.objects.all(), empty_label="Tous", method="filtrer_axe"
    )
    projet = ChoixDeModeleFilter(
        label="Projet", queryset=Projet.objects.order_by("nom"), empty_label="Tous"
    )

    class Meta:
        model = Photo
        fields: list[str] = []

    def filtrer_axe(self, queryset, name, value):
        return queryset.filter(selectors.q_axe_de_la_photo(value))
