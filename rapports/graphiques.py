"""Les graphiques du rapport : un SVG dessiné sur le serveur par pygal, le même fichier dans
l'aperçu HTML et dans le PDF (une image `data:` avec son texte alternatif), et, à côté, le
tableau des mêmes chiffres pour qui ne voit pas l'image (lecteur d'écran, copie du texte).

Le SVG est déterministe : pygal donne à chaque graphique un identifiant aléatoire (uuid4) et
date son commentaire d'en-tête ; l'identifiant vient ici de la clé du graphique et les
commentaires sont retirés, pour qu'un même rapport donne toujours les mêmes octets.
"""

from __future__ import annotations

import base64
import re
import sys
from dataclasses import dataclass
from decimal import Decimal

from phares.lib.money import format_euros, format_nombre

from .donnees import Graphique

# The site's palette (static/css/phares.css): the year in the primary blue, the previous year
# in a light tint of it, then the accent; the pie takes them all in turn.
BLEU = "#0b4f6c"
BLEU_CLAIR = "#8fb3c4"
ACCENT = "#f2a900"
COULEURS = (BLEU, BLEU_CLAIR, ACCENT, "#2e7d32", "#6c3a00", "#4a5259", "#a4161a", "#5b8c9f")
# Inter is declared by the document's @font-face (WeasyPrint lends it to SVG images); a
# browser does not load web fonts inside an <img> SVG and falls back to the next ones.
POLICES = "Inter, 'DejaVu Sans', Arial, sans-serif"

LARGEUR, HAUTEUR = 800, 400

# pygal dates its header comment and always writes a <script> of its tooltip config (with its
# random id), even without tooltip script: both go, a chart is a still image here.
_COMMENTAIRES = re.compile(r"<!--.*?-->|<script\b[^>]*?(?:/>|>.*?</script>)", re.DOTALL)


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
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def valeur_affichee(valeur, unite: str = "") -> str:
    """Une valeur de graphique à la française : « 61 200,00 € », « 94 % », « 412 », « — »."""
    if valeur is None:
        return "—"
    if unite == "€":
        return format_euros(Decimal(valeur))
    texte = format_nombre(Decimal(valeur))
    if unite == "%":
        return f"{texte}\u00a0%"
    return texte


def _pygal():
    """pygal, sans le chercheur d'imports qu'il ajoute à `sys.meta_path` pour ses extensions
    de cartes : un chercheur à l'ancienne (sans find_spec) que Python signale d'un
    ImportWarning à chaque import manqué qui arrive jusqu'à lui, dans tout le processus."""
    import pygal  # imported when a chart is drawn, not at start-up

    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]
    return pygal


def _style():
    from pygal.style import Style

    return Style(
        font_family=POLICES,
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#33393f",
        foreground_strong="#1b1f23",
        foreground_subtle="#c9d3d8",
        opacity=".9",
        opacity_hover="1",
        colors=COULEURS,
        title_font_size=20,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=13,
        tooltip_font_size=13,
    )


def _chart(graphique: Graphique):
    pygal = _pygal()

    classes = {
        "barres": pygal.Bar,
        "barres_horizontales": pygal.HorizontalBar,
        "lignes": pygal.Line,
        # WeasyPrint draws pygal's pie slices (SVG arcs) wrongly, and the same file must
        # serve both supports: shares are shown as horizontal bars, easier to compare anyway.
        "camembert": pygal.HorizontalBar,
    }
    try:
        classe = classes[graphique.type]
    except KeyError:
        raise ValueError(f"Type de graphique inconnu : {graphique.type!r}.") from None
    return classe(
        style=_style(),
        width=LARGEUR,
        height=HAUTEUR,
        # The title is the figure's caption in the page, not drawn twice.
        title=None,
        js=[],  # no script fetched from a CDN: the file must stand alone
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(graphique.series), 4) or 1,
        print_values=False,
        show_y_guides=True,
        truncate_label=-1,
        truncate_legend=-1,
        margin=16,
        value_formatter=lambda v: valeur_affichee(v, graphique.unite),
    )


def _nombre(valeur):
    return None if valeur is None else float(valeur)


def svg(graphique: Graphique) -> str:
    """Le SVG du graphique (texte), identique d'un appel à l'autre pour les mêmes données."""
    chart = _chart(graphique)
    chart.uuid = f"graphique-{graphique.cle}"
    chart.x_labels = list(graphique.categories)
    for serie in graphique.series:
        chart.add(serie.nom, [_nombre(v) for v in serie.valeurs])
    return _COMMENTAIRES.sub("", chart.render(is_unicode=True))


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
