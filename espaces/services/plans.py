"""Placer les espaces d'un étage sur son plan : une transaction, sous le verrou du plan de
l'étage, une entrée du journal par espace déplacé (« avant → après »).

Deux espaces d'un même étage ne se chevauchent pas sur le plan (ils peuvent se toucher) :
une case recouverte cacherait le nom de l'autre et son lien. La base vérifie la grille
(contrainte `espace_plan_dans_la_grille`) ; le chevauchement, qui demande de comparer des
lignes entre elles, est vérifié ici, sous le verrou.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.verrous import verrouiller

from ..models import PLAN_COLONNES, PLAN_LIGNES, Espace, Etage, Rectangle
from ._erreurs import EspacesError

CHAMPS_PLAN = ("plan_x", "plan_y", "plan_largeur", "plan_hauteur")


def texte_position(rectangle: Rectangle | None) -> str:
    """« colonne 3, ligne 2, 4 × 3 cases » (le journal et les messages)."""
    if rectangle is None:
        return "pas placé"
    r = rectangle
    return f"colonne {r.x}, ligne {r.y}, {r.largeur} × {r.hauteur} cases"


def erreurs_de_placement(places: Mapping[Espace, Rectangle | None]) -> list[str]:
    """Ce qui ne va pas dans ces places (les espaces d'un même étage) : hors de la grille,
    chevauchements. Vide si tout va bien."""
    erreurs = []
    posees = [(e, r) for e, r in places.items() if r is not None]
    for espace, r in posees:
        if not r.dans_la_grille:
            erreurs.append(
                f"« {espace.nom} » sort du plan : la grille a {PLAN_COLONNES} colonnes "
                f"(0 à {PLAN_COLONNES - 1}) et {PLAN_LIGNES} lignes (0 à {PLAN_LIGNES - 1})."
            )
    for i, (a, ra) in enumerate(posees):
        for b, rb in posees[i + 1 :]:
            if ra.chevauche(rb):
                erreurs.append(f"« {a.nom} » et « {b.nom} » se chevauchent sur le plan.")
    return erreurs


def placer_espaces(
    *, etage: Etage, positions: Mapping[str, Rectangle | None], par: Acteur
) -> list[Espace]:
    """Enregistre la place des espaces de `etage` donnés par leur identifiant (slug) ; None
    retire un espace du plan. Les autres espaces de l'étage gardent la leur et comptent pour
    les chevauchements. Rend les espaces dont la place a changé."""
    par = exiger(par)
    with transaction.atomic():
        verrouiller(f"plan:{etage.pk}")
        espaces = list(
            Espace.objects.select_for_update()
            .filter(etage=etage, archive=False)
            .order_by("nom", "pk")
        )
        par_slug = {e.slug: e for e in espaces}
        inconnus = set(positions) - set(par_slug)
        if inconnus:
            raise EspacesError(
                "Ces espaces ne sont plus sur cet étage : "
                + ", ".join(sorted(inconnus))
                + ". Rechargez la page."
            )
        nouvelles = {e: positions.get(e.slug, e.plan) for e in espaces}
        if erreurs := erreurs_de_placement(nouvelles):
            raise EspacesError(" ".join(erreurs))
        changes = [e for e in espaces if nouvelles[e] != e.plan]
        for espace in changes:
            avant = texte_position(espace.plan)
            r = nouvelles[espace]
            espace.plan_x, espace.plan_y, espace.plan_largeur, espace.plan_hauteur = (
                (r.x, r.y, r.largeur, r.hauteur) if r else (None, None, None, None)
            )
            espace.save(update_fields=CHAMPS_PLAN)
            journal.journaliser(
                par=par,
                operation="espace.placer",
                libelle=f"Place sur le plan : {espace.nom}",
                objet=espace,
                changements={"plan": (avant, texte_position(r))},
            )
    return changes
