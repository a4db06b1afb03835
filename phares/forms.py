from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# Logos and photos are shown to every visitor: a small file can still decode into a huge
# bitmap (Pillow only refuses twice its 89-megapixel limit, and merely warns below).
IMAGE_MAX_OCTETS = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000


def valider_image(fichier):
    """`clean_<champ>` d'une image téléversée : poids et dimensions raisonnables."""
    if not isinstance(fichier, UploadedFile):
        return fichier  # unchanged, cleared, or empty
    if fichier.size > IMAGE_MAX_OCTETS:
        raise ValidationError("L'image dépasse 5 Mo : réduisez-la avant de l'envoyer.")
    image = getattr(fichier, "image", None)
    if image is not None and image.width * image.height > IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"L'image mesure {image.width} × {image.height} pixels : 25 millions de pixels au plus."
        )
    return fichier


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Classes Bootstrap et attributs ARIA sur les widgets d'un formulaire lié ou non."""
    errors = form.errors if form.is_bound else {}
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
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
