"""Pagination des listes.

`paginate` : les pages numérotées de Django, avec leur total (un COUNT de la liste filtrée à
chaque affichage) : pour les listes courtes.

`page_par_cles` : « page suivante » par clés, pour les listes qui grandissent avec
l'historique (les réservations) : chaque page reprend après la dernière ligne de la
précédente, (valeur, clé) comparée dans l'index qui sert l'ordre ; ni COUNT ni OFFSET, une
page profonde coûte ce que coûte la première. La clé départage les valeurs égales : aucune
ligne deux fois ni oubliée d'une page à l'autre. Une liste peut être faite de plusieurs
parties dans des ordres différents (à venir croissant, puis passées décroissant) : le
curseur dit dans quelle partie on en est, et l'instant qui les sépare, gardé de page en
page pour qu'une ligne ne change pas de partie entre deux pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

PER_PAGE = 50
PARAMETRE = "apres"  # the cursor's name in the query string


def paginate(request, queryset, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """La page demandée (une page invalide donne la première ou la dernière, jamais une
    erreur) et la chaîne de requête sans `page`, pour les liens de pagination."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@dataclass(frozen=True)
class Partie:
    """Une partie d'une liste : `queryset` dans l'ordre de (champ, clé), croissant ou non.
    `depart` : où elle commence dans cet ordre, exclu (`champ < depart` si décroissante,
    `champ > depart` sinon), posé seulement quand la page ne reprend pas dans la partie, où
    la borne du curseur le remplace : SQLite ne lit l'index qu'à partir de la première borne
    qu'on lui donne sur une colonne (avec les deux, une page profonde relisait tout ce qui
    précède)."""

    nom: str
    queryset: QuerySet
    decroissant: bool = False
    depart: Any = None


@dataclass(frozen=True)
class Curseur:
    partie: str
    valeur: datetime.datetime  # the ordering field of the page's last row
    pk: int
    reference: datetime.datetime  # the instant the parts were split at
    numero: int  # the page it leads to (for the title only)

    def ecrire(self) -> str:
        return ".".join(
            [
                self.partie,
                str(_micro(self.valeur)),
                str(self.pk),
                str(_micro(self.reference)),
                str(self.numero),
            ]
        )

    @classmethod
    def lire(cls, texte: str | None, parties: Sequence[str]) -> Curseur | None:
        """Le curseur de `texte`, ou None (première page) s'il est absent ou illisible : un
        lien abîmé ramène au début, jamais à une erreur."""
        morceaux = (texte or "").split(".")
        if len(morceaux) != 5 or morceaux[0] not in parties:
            return None
        try:
            valeur, pk, reference, numero = (int(m) for m in morceaux[1:])
            return cls(morceaux[0], _instant(valeur), pk, _instant(reference), max(numero, 2))
        except (ValueError, OverflowError):
            return None


EPOQUE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICRO = datetime.timedelta(microseconds=1)


def _micro(moment: datetime.datetime) -> int:
    """En microsecondes entières (pas de flottant : la valeur doit revenir exacte)."""
    return (moment - EPOQUE) // MICRO


def _instant(micro: int) -> datetime.datetime:
    return EPOQUE + micro * MICRO


def apres(queryset: QuerySet, champ: str, valeur, pk: int, *, decroissant: bool) -> QuerySet:
    """Les lignes qui suivent (valeur, pk) dans l'ordre (champ, pk). La borne simple sur
    `champ` (≤ ou ≥) est redite pour que la base parcoure l'index à partir de là."""
    if decroissant:
        return queryset.filter(**{f"{champ}__lte": valeur}).filter(
            Q(**{f"{champ}__lt": valeur}) | Q(**{champ: valeur, "pk__lt": pk})
        )
    return queryset.filter(**{f"{champ}__gte": valeur}).filter(
        Q(**{f"{champ}__gt": valeur}) | Q(**{champ: valeur, "pk__gt": pk})
    )


@dataclass
class PageParCles:
    elements: list[Any]
    numero: int
    suivante: str | None  # query string of the next page, None on the last
    premiere: str | None  # query string of the first page, None on the first

    def __iter__(self) -> Iterator[Any]:
        return iter(self.elements)

    def __len__(self) -> int:
        return len(self.elements)


def _avec(query, curseur: Curseur | None) -> str:
    query = query.copy()
    if curseur is not None:
        query[PARAMETRE] = curseur.ecrire()
    return query.urlencode()


def page_par_cles(
    request,
    parties: Callable[[datetime.datetime], list[Partie]],
    *,
    champ: str,
    now: datetime.datetime,
    per_page: int = PER_PAGE,
) -> PageParCles:
    """La page demandée d'une liste faite des `parties(reference)` mises bout à bout, chacune
    dans l'ordre (champ, pk) : `per_page` + 1 lignes lues au plus (la dernière dit seulement
    qu'il y a une suite), une requête par partie touchée. `reference` est `now` en première
    page, puis celle du curseur."""
    query = request.GET.copy()
    query.pop(PARAMETRE, None)
    query.pop("page", None)  # a numbered page of the old links: start over
    liste = parties(now)
    curseur = Curseur.lire(request.GET.get(PARAMETRE), [p.nom for p in liste])
    if curseur is not None:
        try:
            liste = parties(curseur.reference)
        except OverflowError:
            # A reference at the edge of time (a link edited by hand) that `parties` cannot
            # shift: like any unreadable cursor, back to the first page.
            curseur = None
    reference = curseur.reference if curseur else now
    noms = [p.nom for p in liste]
    debut = noms.index(curseur.partie) if curseur else 0
    lignes: list[tuple[Partie, Any]] = []
    for partie in liste[debut:]:
        ordre = (f"-{champ}", "-pk") if partie.decroissant else (champ, "pk")
        qs = partie.queryset.order_by(*ordre)
        if curseur is not None and partie.nom == curseur.partie:
            qs = apres(qs, champ, curseur.valeur, curseur.pk, decroissant=partie.decroissant)
        elif partie.depart is not None:
            sens = "lt" if partie.decroissant else "gt"
            qs = qs.filter(**{f"{champ}__{sens}": partie.depart})
        lignes += [(partie, r) for r in qs[: per_page + 1 - len(lignes)]]
        if len(lignes) > per_page:
            break
    numero = curseur.numero if curseur else 1
    suivante = None
    if len(lignes) > per_page:
        partie, derniere = lignes[per_page - 1]
        suivante = _avec(
            query,
            Curseur(partie.nom, getattr(derniere, champ), derniere.pk, reference, numero + 1),
        )
    return PageParCles(
        elements=[r for _, r in lignes[:per_page]],
        numero=numero,
        suivante=suivante,
        premiere=_avec(query, None) if curseur else None,
    )
