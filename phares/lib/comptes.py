"""Plusieurs comptes en une requête.

Le tableau de bord de l'équipe dit combien de structures sont présentes, combien
d'invitations attendent, combien de déclarations sont à valider… : un COUNT par chiffre, une
requête chacun, alors qu'aucun ne dépend des autres. Ici, chaque COUNT devient une
sous-requête scalaire d'un même SELECT : une requête pour tous, sur n'importe quelle base."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def compter(**querysets: QuerySet) -> dict[str, int]:
    """Ce que `querysets[nom].count()` donnerait pour chaque nom, en une seule requête.
    Des querysets simples (filtrés, ni coupés, ni distincts, ni combinés), sur la même base."""
    if not querysets:
        return {}
    bases = {qs.db for qs in querysets.values()}
    if len(bases) != 1:
        raise ValueError("compter() : des querysets d'une même base sont attendus.")
    base = bases.pop()
    morceaux, params = [], []
    for n, qs in enumerate(querysets.values()):
        query = qs.query
        if query.is_sliced or query.distinct or query.combinator or query.group_by is not None:
            raise ValueError("compter() : un queryset filtré seulement est attendu.")
        sql, p = qs.order_by().values("pk").query.get_compiler(using=base).as_sql()
        morceaux.append(f"(SELECT COUNT(*) FROM ({sql}) compte_{n})")
        params.extend(p)
    with connections[base].cursor() as cursor:
        # Only SQL compiled by Django goes into the text, its parameters kept apart (bandit
        # B608 sees a string built by hand).
        cursor.execute("SELECT " + ", ".join(morceaux), params)
        ligne = cursor.fetchone()
    return dict(zip(querysets, ligne, strict=True))
