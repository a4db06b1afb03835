"""Ce que les formulaires espaces partagent : widget d'heure, fin après début, date lue dans
l'URL (mêmes bornes que `phares.forms.DateBornee`, le champ de toutes les dates)."""

import datetime

from django import forms

from phares.forms import DATE_MAX, DATE_MIN

TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


def fin_apres_debut(form: forms.Form, cleaned: dict) -> None:
    d, f = cleaned.get("debut"), cleaned.get("fin")
    if d and f and f < d:
        form.add_error("fin", "La fin ne peut pas précéder le début.")


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
