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
    return (
        f"WITH RECURSIVE {_saut('v', colonne)} "
        f"SELECT x{', ' + _derniere('v', colonne, avec) if avec else ''} FROM v WHERE x IS NOT NULL"
    )


def _saut(cte: str, colonne: str) -> str:
    q = connection.ops.quote_name
    table, col = q(EntreeJournal._meta.db_table), q(colonne)
    return (
        f"{cte}(x) AS ("
        f"SELECT MIN({col}) FROM {table} "
        f"UNION ALL "
        f"SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > {cte}.x) FROM {cte} "
        f"WHERE {cte}.x IS NOT NULL)"
    )


def _derniere(cte: str, colonne: str, avec: str) -> str:
    """La colonne `avec` de la dernière entrée (-le, -id) de chaque valeur de `cte`."""
    q = connection.ops.quote_name
    return (
        f"(SELECT {q(avec)} FROM {q(EntreeJournal._meta.db_table)} WHERE {q(colonne)} = "
        f"{cte}.x ORDER BY {q('le')} DESC, {q('id')} DESC LIMIT 1)"
    )


def valeurs_presentes(colonne: str, *, avec: str | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql_valeurs_presentes(colonne, avec=avec))
        return cursor.fetchall()


# The filters' columns: the authors, the structures (with their last name), the object types.
COLONNES_DES_FILTRES = (("par_id", None), ("structure_id", "structure_nom"), ("objet_type", None))


def sql_valeurs_des_filtres() -> str:
    """Les sauts d'index de `sql_valeurs_presentes` pour les trois colonnes des filtres, en
    une requête (UNION ALL) : un aller-retour au lieu de trois. Chaque ligne : le rang de la
    colonne, la valeur en texte, le nom de la structure (ou NULL)."""
    ctes = ", ".join(_saut(f"v{i}", col) for i, (col, _avec) in enumerate(COLONNES_DES_FILTRES))
    selects = " UNION ALL ".join(
        f"SELECT {i}, CAST(x AS TEXT), "
        + (_derniere(f"v{i}", col, avec) if avec else "NULL")
        + f" FROM v{i} WHERE x IS NOT NULL"
        for i, (col, avec) in enumerate(COLONNES_DES_FILTRES)
    )
    return f"WITH RECURSIVE {ctes} {selects}"


def valeurs_des_filtres() -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """(auteurs, structures et leur nom, types d'objets) présents au journal, en texte."""
    parties: tuple[list, list, list] = ([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(sql_valeurs_des_filtres())
        for rang, valeur, nom in cursor.fetchall():
            parties[rang].append((valeur, nom) if rang == 1 else valeur)
    return parties


@functools.cache
def nom_du_type(label: str) -> str:
    """« Réservation » pour « espaces.reservation » : le registre des modèles ne change pas
    pendant la vie du processus, le nom est calculé une fois."""
    try:
        nom = str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        nom = label  # a model since removed: its entries stay readable
    return nom[:1].upper() + nom[1:]


def _types_presents(labels: list[str]) -> list[tuple[str, str]]:
    """Les types d'objets présents au journal, avec leur nom (« Réservation »)."""
    choix = [(label, nom_du_type(label)) for label in labels if label]
    return sorted(choix, key=lambda c: c[1].lower())


def _structures_presentes(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Les structures qui apparaissent au journal, sous le nom de leur dernière entrée."""
    return sorted(rows, key=lambda c: c[1].lower())


def _auteurs(ids: list[str]) -> list[tuple[str, str]]:
    """Les personnes qui ont agi au moins une fois, par leur nom d'aujourd'hui."""
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
        auteurs, structures, types = valeurs_des_filtres()
        self.filters["personne"].extra["choices"] = [
            (SYSTEME, "Système (commandes)"),
            *_auteurs(auteurs),
        ]
        self.filters["structure"].extra["choices"] = _structures_presentes(structures)
        self.filters["objet_type"].extra["choices"] = _types_presents(types)

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
