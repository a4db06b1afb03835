"""Les filtres du journal, et leurs choix lus sans parcourir le journal."""

import functools

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

from phares.forms import DateBorneeFilter
from phares.lib import temps
from phares.models import EntreeJournal

SYSTEME = "systeme"


def sql_valeurs_presentes(colonne: str, *, avec: str | None = None) -> str:
    """Les valeurs non nulles de `colonne` au journal, dans l'ordre, par un saut d'index :
    chaque valeur est la plus petite au-delà de la précédente, une descente dans l'index dont
    `colonne` est la première colonne (EntreeJournal.Meta.indexes). Autant de descentes que de
    valeurs, quelle que soit la taille du journal, là où DISTINCT ou GROUP BY lisent toute
    la table. `avec` : une autre colonne, lue dans la dernière entrée (-le, -id) de chaque
    valeur (une descente de plus). Les bases ne le font pas d'elles-mêmes (PostgreSQL 15
    n'a pas de « skip scan ») ; la requête est la même sur SQLite."""
    q = connection.ops.quote_name
    table, col = q(EntreeJournal._meta.db_table), q(colonne)
    autre = ""
    if avec is not None:
        autre = (
            f", (SELECT {q(avec)} FROM {table} WHERE {col} = v.x "
            f"ORDER BY {q('le')} DESC, {q('id')} DESC LIMIT 1)"
        )
    return (
        f"WITH RECURSIVE v(x) AS ("
        f"SELECT MIN({col}) FROM {table} "
        f"UNION ALL "
        f"SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > v.x) FROM v WHERE v.x IS NOT NULL"
        f") SELECT x{autre} FROM v WHERE x IS NOT NULL"
    )


def valeurs_presentes(colonne: str, *, avec: str | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql_valeurs_presentes(colonne, avec=avec))
        return cursor.fetchall()


@functools.cache
def nom_du_type(label: str) -> str:
    """« Réservation » pour « espaces.reservation » : le registre des modèles ne change pas
    pendant la vie du processus, le nom est calculé une fois."""
    try:
        nom = str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        nom = label  # a model since removed: its entries stay readable
    return nom[:1].upper() + nom[1:]


def _types_presents() -> list[tuple[str, str]]:
    """Les types d'objets présents au journal, avec leur nom (« Réservation »)."""
    choix = [(label, nom_du_type(label)) for (label,) in valeurs_presentes("objet_type") if label]
    return sorted(choix, key=lambda c: c[1].lower())


def _structures_presentes() -> list[tuple[str, str]]:
    """Les structures qui apparaissent au journal, sous le nom de leur dernière entrée."""
    rows = valeurs_presentes("structure_id", avec="structure_nom")
    return sorted(((str(pk), nom) for pk, nom in rows), key=lambda c: c[1].lower())


def _auteurs() -> list[tuple[str, str]]:
    """Les personnes qui ont agi au moins une fois, par leur nom d'aujourd'hui."""
    ids = [pk for (pk,) in valeurs_presentes("par_id")]
    auteurs = get_user_model().objects.filter(pk__in=ids).order_by("last_name", "email")
    return [(str(u.pk), u.display_name) for u in auteurs]


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
        self.filters["personne"].extra["choices"] = [
            (SYSTEME, "Système (commandes)"),
            *_auteurs(),
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
