"""Chercher un texte sans égard aux accents ni à la casse, pareil sur SQLite et PostgreSQL,
et lire les premiers résultats avec leur nombre en une requête (la recherche de l'équipe).

Une seule table de correspondance (`CORRESPONDANCES`) sert aux deux côtés : `normaliser()`
la passe sur ce que la personne tape, `SansAccents` sur la colonne. Sur PostgreSQL,
`LOWER(TRANSLATE(…))` (plus un REPLACE par ligature : œ → oe) ; sur SQLite, qui n'a ni
TRANSLATE ni LOWER hors de l'ASCII, la même fonction Python `normaliser`, inscrite sur chaque
connexion (`installer_sqlite`, appelée à l'ouverture de la connexion). Ni extension
`unaccent`, ni colonne en plus. Une suite de REPLACE imbriqués aurait servi aux deux bases,
mais SQLite la refuse au-delà d'une quarantaine (« parser stack overflow »).
`chercher()` garde en plus un `icontains` sur le texte tel quel : une lettre hors de la table
(« ł », « ø »…) se trouve encore quand on la tape telle qu'elle est écrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Func, Q, TextField
from django.db.models.expressions import Combinable

from phares.lib.extraits import premiers_et_total

# French letters first, then those of names met in the region (Spanish, Portuguese…).
_MINUSCULES = {
    "a": "àâäáãå",
    "c": "ç",
    "e": "éèêë",
    "i": "îïíì",
    "n": "ñ",
    "o": "ôöóòõ",
    "u": "ùûüú",
    "y": "ÿý",
}
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}
_APOSTROPHES = {"’": "'", "‘": "'"}


def _lettres() -> dict[str, str]:
    """Une lettre (ou une apostrophe) -> une lettre : ce que TRANSLATE fait d'un coup."""
    table = dict(_APOSTROPHES)
    for base, lettres in _MINUSCULES.items():
        for lettre in lettres:
            table[lettre] = base
            table[lettre.upper()] = base
    return table


_UNE_POUR_UNE = _lettres()
CORRESPONDANCES = {**_UNE_POUR_UNE, **_LIGATURES}
_TRADUCTION = str.maketrans(CORRESPONDANCES)
FONCTION_SQLITE = "phares_sans_accents"


def normaliser(texte: str) -> str:
    """« Élodie L’Hôte » -> « elodie l'hote » : la forme que `SansAccents` donne en base."""
    return texte.translate(_TRADUCTION).lower()


def _normaliser_sql(valeur):
    return None if valeur is None else normaliser(str(valeur))


def installer_sqlite(sender=None, connection=None, **kwargs) -> None:
    """Inscrit `normaliser` comme fonction SQL d'une connexion SQLite (signal
    `connection_created`, branché par phares.apps) ; rien pour une autre base."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            FONCTION_SQLITE, 1, _normaliser_sql, deterministic=True
        )


class SansAccents(Func):
    """`normaliser` en SQL, sur une colonne ou une expression de texte."""

    function = FONCTION_SQLITE
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        for ligature, lettres in _LIGATURES.items():
            sql, params = f"REPLACE({sql}, %s, %s)", (*params, ligature, lettres)
        de, vers = "".join(_UNE_POUR_UNE), "".join(_UNE_POUR_UNE.values())
        return f"LOWER(TRANSLATE({sql}, %s, %s))", (*params, de, vers)


def sans_accents(champ: str | Combinable) -> SansAccents:
    """L'expression SQL de `normaliser` sur une colonne (ou une expression)."""
    return SansAccents(F(champ) if isinstance(champ, str) else champ)


def chercher(qs, texte: str, champs: dict[str, str | Combinable], *, ou: Q | None = None):
    """Les lignes de `qs` dont un des `champs` (nom -> colonne ou expression) contient
    `texte`, accents et casse ignorés (espaces en trop retirés), ou qui remplissent `ou`
    (un numéro exact, par exemple)."""
    texte = " ".join(texte.split())
    forme = normaliser(texte)
    condition = ou or Q()
    for nom, champ in champs.items():
        expression = F(champ) if isinstance(champ, str) else champ
        qs = qs.alias(**{f"_tel_{nom}": expression, f"_sa_{nom}": sans_accents(expression)})
        condition |= Q(**{f"_tel_{nom}__icontains": texte}) | Q(**{f"_sa_{nom}__contains": forme})
    return qs.filter(condition)


@dataclass(frozen=True)
class Trouves:
    """Les premiers résultats d'une sorte d'objet, et combien il y en a en tout."""

    objets: list[Any] = field(default_factory=list)
    total: int = 0


def premiers(qs, limite: int) -> Trouves:
    """Les `limite` premières lignes de `qs` et leur nombre total, en une seule requête
    (phares/lib/extraits.py : COUNT(*) OVER (), quelle que soit la taille des tables)."""
    return Trouves(*premiers_et_total(qs, limite))
