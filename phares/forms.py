from django import forms


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Classes Bootstrap et attributs ARIA sur les widgets d'un formulaire lié ou non."""
    errors = form.errors if form.is_bound else {}
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.FileInput):
            css = "form-control"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])
        if name in errors and "is-invalid" not in widget.attrs["class"]:
            # aria-invalid et aria-describedby (aide puis erreur, préfixe compris) sont posés
            # par Django 5.2 au rendu (BoundField.build_widget_attrs) : ne pas les écraser.
            widget.attrs["class"] += " is-invalid"
    return form
