from django import template

from phares.lib import dates

register = template.Library()


@register.filter
def periode(structure_or_pair):
    """« depuis octobre 2015 », « juin – août 2015 » pour un objet ayant arrivee/depart."""
    return dates.periode(
        getattr(structure_or_pair, "arrivee", None), getattr(structure_or_pair, "depart", None)
    )


@register.filter
def call(fn):
    """Évalue paresseusement une valeur de navigation coûteuse."""
    return fn() if callable(fn) else fn


@register.filter
def styled(form):
    """{{ form|styled }} : classes Bootstrap et ARIA, puis rendu par le gabarit de formulaire."""
    from phares.forms import style_form

    return style_form(form)


@register.filter
def euros(value):
    """{{ montant|euros }} -> « 1 234,50 € » ; refuse les float."""
    from phares.lib.money import format_euros

    return format_euros(value)


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Rend un encart d'une autre app (phares/lib/panels.py) avec son propre contexte."""
    from django.template.loader import render_to_string

    return render_to_string(panel.template, panel.context, request=context.get("request"))
