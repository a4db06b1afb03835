"""Ce que les formulaires espaces partagent : widgets de date et d'heure, bornes des dates,
fin après début, date lue dans l'URL."""

import datetime

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")

# Dates the pages accept: the views step a day or a week either side, and 0001-01-01 or
# 9999-12-31 would overflow datetime.date there (or in the UTC conversion).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


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
