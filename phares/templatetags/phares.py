from django import template
from django.template.loader import render_to_string

from phares.forms import style_form
from phares.lib.money import format_euros

register = template.Library()


@register.filter
def styled(form):
    """{{ form|styled }} : classes Bootstrap et ARIA, puis rendu par le gabarit de formulaire."""
    return style_form(form)


@register.filter
def euros(value):
    """{{ montant|euros }} -> « 1 234,50 € » ; refuse les float."""
    return format_euros(value)


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Rend un encart d'une autre app (phares/lib/panels.py) avec son propre contexte."""
    return render_to_string(panel.template, panel.context, request=context.get("request"))
