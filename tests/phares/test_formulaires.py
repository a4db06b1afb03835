"""Les listes déroulantes, dont les options sont écrites en Python
(phares/templatetags/formulaires.py) : le balisage de Django, échappé pareil."""

import django_filters
import pytest
from django import forms
from django.db.models import QuerySet
from django.test.html import parse_html

from habitants.models import Domaine, Structure
from phares.forms import ChoixDeModeleFilter


class Formulaire(forms.Form):
    structure = forms.ChoiceField(
        choices=[("", "Toutes <les> structures"), ("1", "Bois & Cie"), ("2", 'Le "Halage"')],
        initial="2",
    )
    salles = forms.MultipleChoiceField(
        choices=[("Rez-de-chaussée", [("a", "Salle A"), ("b", "Salle B")]), ("c", "Salle C")],
        initial=["a", "c"],
    )
    presente = forms.NullBooleanField(required=False)


def test_options_choisies_groupes_et_echappement():
    f = Formulaire()

    assert parse_html(str(f["structure"])) == parse_html(
        '<select name="structure" required id="id_structure">'
        '<option value="">Toutes &lt;les&gt; structures</option>'
        '<option value="1">Bois &amp; Cie</option>'
        '<option value="2" selected>Le &quot;Halage&quot;</option>'
        "</select>"
    )
    assert parse_html(str(f["salles"])) == parse_html(
        '<select name="salles" required id="id_salles" multiple>'
        '<optgroup label="Rez-de-chaussée">'
        '<option value="a" selected>Salle A</option><option value="b">Salle B</option>'
        "</optgroup>"
        '<option value="c" selected>Salle C</option>'
        "</select>"
    )
    assert parse_html(str(f["presente"])) == parse_html(
        '<select name="presente" id="id_presente">'
        '<option value="unknown" selected>Inconnu</option>'
        '<option value="true">Oui</option><option value="false">Non</option>'
        "</select>"
    )


def test_un_choix_envoye_reste_choisi_et_un_attribut_d_option_est_garde():
    class AvecAttributs(forms.Select):
        def create_option(self, *args, **kwargs):
            option = super().create_option(*args, **kwargs)
            option["attrs"]["data-tarif"] = f"{option['value']}<€>"
            return option

    class F(forms.Form):
        salle = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=AvecAttributs)

    html = str(F(data={"salle": "y"})["salle"])

    assert parse_html(html) == parse_html(
        '<select name="salle" id="id_salle">'
        '<option value="x" data-tarif="x&lt;€&gt;">X</option>'
        '<option value="y" data-tarif="y&lt;€&gt;" selected>Y</option>'
        "</select>"
    )


def test_les_attributs_s_ecrivent_comme_ceux_de_django():
    """input.html, textarea.html et select.html écrivent leurs attributs sans inclure
    attrs.html : exactement le texte du gabarit de Django (échappement compris)."""
    from django.forms.renderers import DjangoTemplates

    class F(forms.Form):
        nom = forms.CharField(
            max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c> & d'})
        )
        nombre = forms.IntegerField(min_value=0, required=False)
        quand = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "hidden": True}))
        texte = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "disabled": False}))
        choix = forms.ChoiceField(choices=[("1", "Un")], widget=forms.Select(attrs={"x": "<"}))

    for f in (F(), F(data={"nom": '<script>"', "texte": "a & b", "nombre": "x"})):
        f.renderer = DjangoTemplates()
        de_django = {nom: str(f[nom]) for nom in f.fields}
        f.renderer = None  # the project's (settings.FORM_RENDERER)
        for nom in ("nom", "nombre", "quand", "texte"):
            assert str(f[nom]) == de_django[nom]
        assert parse_html(str(f["choix"])) == parse_html(de_django["choix"])


# --- Les choix d'un filtre lus d'un trait (phares.forms.ChoixDeModeleFilter) -------------


class FiltreDesDomaines(django_filters.FilterSet):
    domaine = ChoixDeModeleFilter(
        queryset=Domaine.objects.order_by("nom"), empty_label="Tous", null_label="Sans"
    )
    comme_django = django_filters.ModelChoiceFilter(
        queryset=Domaine.objects.order_by("nom"), empty_label="Tous", null_label="Sans"
    )

    class Meta:
        model = Structure
        fields: list[str] = []


@pytest.mark.django_db
def test_un_filtre_propose_les_memes_choix_que_django_en_une_requete(
    django_assert_num_queries, monkeypatch
):
    for nom in ("Culture", "Alimentation", "Bâtiment"):
        Domaine.objects.create(nom=nom)
    form = FiltreDesDomaines().form
    comme_django = str(form["comme_django"])

    def sans_curseur(*args, **kwargs):
        raise AssertionError("iterator() : un curseur côté serveur sur PostgreSQL")

    monkeypatch.setattr(QuerySet, "iterator", sans_curseur)
    with django_assert_num_queries(1):
        html = str(form["domaine"])
    monkeypatch.undo()
    assert html == comme_django.replace("comme_django", "domaine")
    assert html.index("Tous") < html.index("Sans") < html.index("Alimentation")
    # Read again for each rendering: nothing kept from one form (or request) to the next.
    Domaine.objects.create(nom="Numérique")
    assert "Numérique" in str(FiltreDesDomaines().form["domaine"])
    culture = Domaine.objects.get(nom="Culture")
    form = FiltreDesDomaines({"domaine": str(culture.pk)}).form
    assert form.is_valid() and form.cleaned_data["domaine"] == culture
    assert f'<option value="{culture.pk}" selected>Culture</option>' in str(form["domaine"])
