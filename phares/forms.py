import datetime
import io
from decimal import Decimal
from pathlib import Path

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image, ImageOps

# Logos and photos are shown to every visitor: a small file can still decode into a huge
# bitmap (Pillow only refuses twice its 89-megapixel limit, and merely warns below).
IMAGE_MAX_OCTETS = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000


# What the pages show: anything else (EPS/PostScript, TIFF, BMP, ICO…) Pillow would also
# open is refused, and what is kept is re-encoded, so no file is served as uploaded.
FORMATS_IMAGE = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"),
                 "WEBP": ("webp", "image/webp")}  # fmt: skip


def valider_image(fichier):
    """`clean_<champ>` d'une image téléversée : PNG, JPEG ou WebP, poids et dimensions
    raisonnables ; renvoie l'image ré-encodée (métadonnées retirées, orientation appliquée)."""
    if not isinstance(fichier, UploadedFile):
        return fichier  # unchanged, cleared, or empty
    if fichier.size > IMAGE_MAX_OCTETS:
        raise ValidationError("L'image dépasse 5 Mo : réduisez-la avant de l'envoyer.")
    image = getattr(fichier, "image", None)  # set by forms.ImageField (header only)
    if image is None or image.format not in FORMATS_IMAGE:
        raise ValidationError(
            "Format non accepté : envoyez une image PNG, JPEG ou WebP "
            f"(ce fichier est {'illisible' if image is None else 'au format ' + image.format})."
        )
    if image.width * image.height > IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"L'image mesure {image.width} × {image.height} pixels : 25 millions de pixels au plus."
        )
    return _reencoder(fichier, image.format)


def _reencoder(fichier: UploadedFile, format_: str) -> SimpleUploadedFile:
    extension, content_type = FORMATS_IMAGE[format_]
    fichier.seek(0)
    try:
        with Image.open(fichier) as source:
            source.load()
            image = ImageOps.exif_transpose(source)
            if format_ == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            sortie = io.BytesIO()
            # No exif/icc/text chunks are passed on: only the pixels leave.
            image.save(sortie, format=format_, **({"quality": 90} if format_ != "PNG" else {}))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "Cette image est illisible ou abîmée : enregistrez-la de nouveau."
        ) from exc
    nom = Path(fichier.name or "image").stem[:80] or "image"
    return SimpleUploadedFile(f"{nom}.{extension}", sortie.getvalue(), content_type=content_type)


class CasesACocher(forms.CheckboxSelectMultiple):
    """Des cases à cocher (plus simples qu'une liste à choix multiples, au clavier comme au
    téléphone), chacune avec le style d'une case de Bootstrap ; le conteneur n'a pas de
    classe (une classe de case sur lui écrase la mise en page des libellés)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("class", None)
        for _groupe, options, _index in context["widget"]["optgroups"]:
            for option in options:
                option["attrs"]["class"] = "form-check-input me-2"
        return context


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


# Dates the pages accept. Code steps a day or a week either side of a date and converts it
# to UTC: 0001-01-01 or 9999-12-31 would overflow datetime there (a 500, not a message).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateBornee(forms.DateField):
    """Un champ date (sélecteur de date du navigateur) borné de 1900 à 2999, avec un
    message en français : la seule façon de saisir une date dans PHARES."""

    widget = DATE_WIDGET
    default_error_messages = {"bornes": "Saisissez une date valide. Les dates vont de 1900 à 2999."}

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise ValidationError(self.error_messages["bornes"], code="bornes")


class DateBorneeFilter(django_filters.DateFilter):
    """Le filtre de date des listes, avec le même champ borné."""

    field_class = DateBornee


class _ChoixLusDUnTrait(django_filters.fields.ModelChoiceIterator):
    """Les choix d'une liste déroulante de filtre, lus par une requête ordinaire.

    Django les lit par `queryset.iterator()` : sur PostgreSQL, un curseur côté serveur
    (DECLARE … WITH HOLD, FETCH, CLOSE), trois allers-retours et le résultat recopié par le
    serveur, ~1,4 ms pour les 200 structures d'un grand pôle, à chaque liste filtrée. Une
    copie du queryset (rien de gardé d'une requête à l'autre) lue d'un trait donne les mêmes
    choix, dans le même ordre."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _ChoixDeModele(django_filters.fields.ModelChoiceField):
    iterator = _ChoixLusDUnTrait


class ChoixDeModeleFilter(django_filters.ModelChoiceFilter):
    """`django_filters.ModelChoiceFilter`, ses choix lus sans curseur côté serveur."""

    field_class = _ChoixDeModele


class DecimalFrancais(forms.DecimalField):
    """Un nombre décimal saisi à la française (« 1 234,50 » comme « 1234.50 ») ; les espaces
    et le signe € sont ignorés."""

    def __init__(self, *, unite: str = "", **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        messages = {
            "invalid": f"Saisissez un nombre{unite} (par exemple 1234,50).",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
            "max_digits": "Ce nombre est trop grand.",
            "max_whole_digits": "Ce nombre est trop grand.",
        }
        for cle, sens in (("min_value", "supérieure"), ("max_value", "inférieure")):
            if kwargs.get(cle) is not None:
                messages[cle] = (
                    f"Saisissez une valeur {sens} ou égale à {nombre_lisible(kwargs[cle])}."
                )
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.localize = False
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            value = value.replace("€", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        return value


def nombre_lisible(valeur) -> str:
    """« 2,5 », « 1 », « 0,25 », « 9 999 999 999,99 » : sans zéros inutiles, virgule
    décimale, espaces entre les milliers."""
    texte = f"{Decimal(valeur).quantize(Decimal('0.01')):,f}".rstrip("0").rstrip(".")
    return texte.replace(",", "\u202f").replace(".", ",")
