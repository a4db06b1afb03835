import datetime

from django import template
from django.template.loader import render_to_string

from phares.forms import style_form
from phares.lib import annulables, dates, journal, liens, temps
from phares.lib.money import format_euros, format_nombre, format_prix_unitaire

register = template.Library()


@register.simple_tag
def lien(nom):
    """`{% lien 'espaces:jour' %}` : `{% url 'espaces:jour' %}` (sans argument) calculé une
    fois par processus — le menu de chaque page en a une trentaine."""
    return liens.fixe(nom)


@register.simple_tag
def modele_url(nom):
    """`{% modele_url 'habitants:annuaire-detail' as fiche %}` puis, à chaque ligne,
    `{{ fiche|url_pour:s.slug }}` : la route parcourue une fois pour toute la liste."""
    return liens.modele(nom)


@register.filter
def url_pour(modele, valeur):
    return liens.pour(modele, valeur)


@register.filter
def lignes_de_changements(changements):
    """`{% for champ, avant, apres in e.changements|lignes_de_changements %}`."""
    return journal.lignes(changements)


@register.filter
def styled(form):
    """{{ form|styled }} : classes Bootstrap et ARIA, puis rendu par le gabarit de formulaire."""
    return style_form(form)


@register.filter
def euros(value):
    """{{ montant|euros }} -> « 1 234,50 € » ; refuse les float."""
    return format_euros(value)


@register.filter
def prix_unitaire(value):
    """{{ tarif.montant_ht|prix_unitaire }} -> « 0,045 € » (sans arrondir au centime)."""
    return format_prix_unitaire(value)


@register.filter
def jeton_annulable(message):
    """{{ message|jeton_annulable }} : la clé du bouton « Annuler » d'un message, ou ""."""
    return annulables.jeton_du_message(message)


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Rend un encart d'une autre app (phares/lib/panels.py) avec son propre contexte."""
    return render_to_string(panel.template, panel.context, request=context.get("request"))


def _jour(value):
    """Une date, ou le jour à Paris d'un datetime conscient."""
    if isinstance(value, datetime.datetime):
        return temps.jour(value)
    return value


@register.filter
def date_courte(value, arg=""):
    """{{ d|date_courte }} -> « 11 déc. 2026 » ;
    {{ d|date_courte:"jour" }} -> « ven. 11 déc. 2026 »."""
    if not value:
        return ""
    return dates.date_courte(_jour(value), jour=arg == "jour")


@register.filter
def date_longue(value, arg=""):
    """{{ d|date_longue }} -> « 11 décembre 2026 » ; avec "jour" : « vendredi 11 décembre 2026 »."""
    if not value:
        return ""
    return dates.date_longue(_jour(value), jour=arg == "jour")


@register.filter
def mois_annee(value):
    """{{ d|mois_annee }} -> « octobre 2015 »."""
    if not value:
        return ""
    return dates.mois_annee(_jour(value))


@register.filter
def nombre(value):
    """{{ surface|nombre }} -> « 12,5 » (Decimal à la française, sans zéros inutiles)."""
    if value is None:
        return "—"
    return format_nombre(value)


@register.filter
def duree(minutes):
    """{{ 90|duree }} -> « 1 h 30 » ; {{ 600|duree }} -> « 10 h »."""
    if minutes in (None, ""):
        return ""
    return dates.duree(int(minutes))
