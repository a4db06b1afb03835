"""Les options d'une liste déroulante, et les attributs des champs, écrits en Python.

Django rend chaque `<option>` par son propre gabarit inclus (select_option.html, puis
attrs.html) : ~40 µs l'option, 8 ms pour les 200 structures d'un grand pôle, sur chaque
page dont un filtre ou un formulaire les propose. Même balisage, même échappement, en une
passe (templates/django/forms/widgets/select.html). Les attributs de chaque champ aussi
(input.html, textarea.html) : attrs.html inclus une fois par champ coûtait ~2 ms à la page
d'une séance et ses six formulaires."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


def _attributs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False drops the attribute, True writes its name.
    return "".join(
        f" {nom}" if valeur is True else f' {nom}="{escape(str(valeur))}"'
        for nom, valeur in attrs.items()
        if valeur is not False
    )


@register.filter
def options_html(widget: dict) -> str:
    morceaux = []
    for nom_groupe, options, _index in widget["optgroups"]:
        if nom_groupe:
            morceaux.append(f'\n  <optgroup label="{conditional_escape(nom_groupe)}">')
        for option in options:
            morceaux.append(
                f'\n  <option value="{escape(str(option["value"]))}"'
                f"{_attributs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            )
        if nom_groupe:
            morceaux.append("\n  </optgroup>")
    # Every piece is escaped above (values, labels, attribute values).
    return mark_safe("".join(morceaux))


@register.filter
def attributs_html(widget: dict) -> str:
    """Les attributs d'un champ, comme django/forms/widgets/attrs.html, sans inclure de
    gabarit (input.html, textarea.html, select.html)."""
    # Every value is escaped in _attributs.
    return mark_safe(_attributs(widget["attrs"]))
