"""Les graphiques du rapport : un SVG dessiné sur le serveur par pygal
(`phares/lib/graphiques.py`, que les pages des espaces utilisent aussi), le même fichier dans
l'aperçu HTML et dans le PDF (une image `data:` avec son texte alternatif), et, à côté, le
tableau des mêmes chiffres pour qui ne voit pas l'image (lecteur d'écran, copie du texte).
"""

from __future__ import annotations

from dataclasses import dataclass

from phares.lib import graphiques as lib
from phares.lib.graphiques import valeur_affichee

from . import cache
from .donnees import Graphique


@dataclass(frozen=True)
class Ligne:
    categorie: str
    valeurs: list[str]


@dataclass(frozen=True)
class GraphiqueRendu:
    """Ce que les gabarits affichent d'un graphique."""

    cle: str
    titre: str
    svg: str
    alt: str
    entetes: list[str]  # first column header, then one per series
    lignes: list[Ligne]
    unite: str
    regle: str

    @property
    def par_serie(self) -> list[Ligne]:
        """Le tableau transposé (une ligne par série) : douze mois tiennent en largeur."""
        return [
            Ligne(nom, [ligne.valeurs[i] for ligne in self.lignes])
            for i, nom in enumerate(self.entetes[1:])
        ]

    @property
    def src(self) -> str:
        return lib.data_uri(self.svg)


def svg(graphique: Graphique) -> str:
    """Le SVG du graphique (texte), identique d'un appel à l'autre pour les mêmes données :
    dessiné une fois, puis relu du cache tant que ses données ne changent pas."""
    return cache.graphique(
        graphique,
        lambda: lib.svg(
            cle=graphique.cle,
            type_=graphique.type,
            categories=graphique.categories,
            series=[(s.nom, s.valeurs) for s in graphique.series],
            unite=graphique.unite,
        ),
    )


def _tableau(graphique: Graphique) -> tuple[list[str], list[Ligne]]:
    entetes = [""] + [s.nom for s in graphique.series]
    lignes = [
        Ligne(
            categorie,
            [
                valeur_affichee(s.valeurs[i] if i < len(s.valeurs) else None, graphique.unite)
                for s in graphique.series
            ],
        )
        for i, categorie in enumerate(graphique.categories)
    ]
    return entetes, lignes


def rendre(graphique: Graphique) -> GraphiqueRendu:
    entetes, lignes = _tableau(graphique)
    return GraphiqueRendu(
        cle=graphique.cle,
        titre=graphique.titre,
        svg=svg(graphique),
        alt=f"Graphique : {graphique.titre}. Les chiffres sont dans le tableau qui suit.",
        entetes=entetes,
        lignes=lignes,
        unite=graphique.unite,
        regle=graphique.regle,
    )
