"""Les graphiques du site : un SVG dessiné sur le serveur par pygal, montré comme une image
`data:` (la CSP n'autorise ni style ni script en ligne dans la page ; une image SVG garde
les siens pour elle), toujours avec le tableau des mêmes chiffres à côté. Le rapport annuel
(`rapports/graphiques.py`) et les pages des espaces s'en servent.

Le SVG est déterministe : pygal donne à chaque graphique un identifiant aléatoire (uuid4) et
date son commentaire d'en-tête ; l'identifiant vient ici de la clé du graphique et les
commentaires sont retirés, pour que les mêmes données donnent toujours les mêmes octets.
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Sequence
from decimal import Decimal

from phares.lib.money import format_euros, format_nombre

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


def valeur_affichee(valeur, unite: str = "") -> str:
    """Une valeur de graphique à la française : « 61 200,00 € », « 94 % », « 412 », « — »."""
    if valeur is None:
        return "—"
    if isinstance(valeur, float):
        # pygal's axis ticks are floats stepped by additions (2.7999999999999998): a label
        # is read to the millionth at most.
        valeur = Decimal(repr(round(valeur, 6)))
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


def _classe(type_: str):
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
        return classes[type_]
    except KeyError:
        raise ValueError(f"Type de graphique inconnu : {type_!r}.") from None


def _nombre(valeur):
    return None if valeur is None else float(valeur)


def svg(
    *,
    cle: str,
    type_: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    unite: str = "",
    largeur: int = LARGEUR,
    hauteur: int = HAUTEUR,
) -> str:
    """Le SVG (texte) d'un graphique : `series` = [(nom, valeurs)], une valeur par
    catégorie (Decimal, int ou None). Identique d'un appel à l'autre pour les mêmes données."""
    chart = _classe(type_)(
        style=_style(),
        width=largeur,
        height=hauteur,
        # The title is the figure's caption in the page, not drawn twice.
        title=None,
        js=[],  # no script fetched from a CDN: the file must stand alone
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(series), 4) or 1,
        print_values=False,
        show_y_guides=True,
        truncate_label=-1,
        truncate_legend=-1,
        margin=16,
        value_formatter=lambda v: valeur_affichee(v, unite),
    )
    chart.uuid = f"graphique-{cle}"
    chart.x_labels = list(categories)
    for nom, valeurs in series:
        chart.add(nom, [_nombre(v) for v in valeurs])
    return _COMMENTAIRES.sub("", chart.render(is_unicode=True))


def data_uri(texte_svg: str) -> str:
    """Le SVG comme adresse d'image (`<img src=…>`), ce que la CSP accepte."""
    return "data:image/svg+xml;base64," + base64.b64encode(texte_svg.encode()).decode()
