import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Max, Q

from phares.forms import DateBorneeFilter
from phares.lib import temps
from phares.models import EntreeJournal

SYSTEME = "systeme"


def _types_presents() -> list[tuple[str, str]]:
    """Les types d'objets présents au journal, avec leur nom (« réservation »)."""
    choix = []
    for label in EntreeJournal.objects.order_by().values_list("objet_type", flat=True).distinct():
        if not label:
            continue
        try:
            nom = str(apps.get_model(label)._meta.verbose_name)
        except (LookupError, ValueError):
            nom = label  # a model since removed: its entries stay readable
        choix.append((label, nom[:1].upper() + nom[1:]))
    return sorted(choix, key=lambda c: c[1].lower())


def _structures_presentes() -> list[tuple[str, str]]:
    """Les structures qui apparaissent au journal, sous le nom de leur dernière entrée.
    Regroupé par la base : une ligne par structure, quelle que soit la taille du journal."""
    dernieres = (
        EntreeJournal.objects.filter(structure_id__isnull=False)
        .values("structure_id")
        .annotate(dernier=Max("pk"))
        .values("dernier")
    )
    rows = EntreeJournal.objects.filter(pk__in=dernieres).values_list(
        "structure_id", "structure_nom"
    )
    return sorted(((str(pk), nom) for pk, nom in rows), key=lambda c: c[1].lower())


class JournalFilter(django_filters.FilterSet):
    personne = django_filters.ChoiceFilter(
        label="Personne", empty_label="Tout le monde", method="filter_personne"
    )
    structure = django_filters.ChoiceFilter(
        label="Structure", empty_label="Toutes", method="filter_structure"
    )
    objet_type = django_filters.ChoiceFilter(label="Type d'objet", empty_label="Tous")
    du = DateBorneeFilter(label="Du", method="filter_du")
    au = DateBorneeFilter(label="Au (inclus)", method="filter_au")
    q = django_filters.CharFilter(label="Contient", method="filter_q", max_length=100)

    class Meta:
        model = EntreeJournal
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        auteurs = get_user_model().objects.filter(
            pk__in=EntreeJournal.objects.filter(par__isnull=False).values("par")
        )
        self.filters["personne"].extra["choices"] = [
            (SYSTEME, "Système (commandes)"),
            *((str(u.pk), u.display_name) for u in auteurs.order_by("last_name", "email")),
        ]
        self.filters["structure"].extra["choices"] = _structures_presentes()
        self.filters["objet_type"].extra["choices"] = _types_presents()

    def filter_personne(self, queryset, name, value):
        if value == SYSTEME:
            return queryset.filter(par__isnull=True)
        return queryset.filter(par_id=value)

    def filter_structure(self, queryset, name, value):
        return queryset.filter(structure_id=value)

    def filter_du(self, queryset, name, value):
        return queryset.filter(le__gte=temps.day_bounds(value)[0])

    def filter_au(self, queryset, name, value):
        # Dates are inclusive: "au 12" keeps the whole of the 12th, Paris time.
        return queryset.filter(le__lt=temps.day_bounds(value)[1])

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(libelle__icontains=value) | Q(objet_repr__icontains=value) | Q(request_id=value)
        )
