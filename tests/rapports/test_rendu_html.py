"""L'aperçu HTML du rapport (le fragment inclus dans la page de l'équipe) et ses graphiques,
rendus depuis l'exemple 2015 fait à la main."""

import base64
import dataclasses
import itertools
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from rapports import graphiques, rendu
from rapports.donnees import Graphique, Serie


class _Lecteur(HTMLParser):
    """Titres, images, tableaux et attributs `title` de l'aperçu, dans l'ordre."""

    def __init__(self):
        super().__init__()
        self.titres: list[tuple[int, str]] = []
        self.images: list[dict] = []
        self.figures: list[dict] = []
        self.titles: list[str] = []
        self._titre = None
        self._figure = None
        self._dans_tableau = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("title"):
            self.titles.append(attrs["title"])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._titre = [int(tag[1]), ""]
        elif tag == "img":
            self.images.append(attrs)
            if self._figure is not None:
                self._figure["img"] = attrs
        elif tag == "figure" and "graphique" in attrs.get("class", ""):
            self._figure = {"id": attrs["id"], "img": None, "cellules": []}
        elif tag == "table" and self._figure is not None:
            self._dans_tableau = True

    def handle_endtag(self, tag):
        if self._titre and tag == f"h{self._titre[0]}":
            self.titres.append((self._titre[0], " ".join(self._titre[1].split())))
            self._titre = None
        elif tag == "figure" and self._figure is not None:
            self.figures.append(self._figure)
            self._figure = None
            self._dans_tableau = False

    def handle_data(self, data):
        if self._titre:
            self._titre[1] += data
        if self._dans_tableau and data.strip():
            self._figure["cellules"].append(data.strip())


@pytest.fixture(scope="module")
def apercu(exemple):
    return rendu.html(exemple)


@pytest.fixture(scope="module")
def lu(apercu):
    lecteur = _Lecteur()
    lecteur.feed(apercu)
    return lecteur


def test_titres_dans_l_ordre(lu):
    # The fragment goes under the page's own h1 ("Rapport annuel 2015"): it has none.
    niveaux = [1] + [niveau for niveau, _ in lu.titres]
    assert niveaux.count(1) == 1
    for avant, apres in itertools.pairwise(niveaux):
        assert apres <= avant + 1, lu.titres  # never skips a level
    sections = [texte for niveau, texte in lu.titres if niveau == 2]
    assert sections == [
        "Table des matières",
        "Introduction",
        "Aujourd’hui, le PHARES, c’est",
        "Les habitants du PHARES",
        "Les partenaires du PHARES",
        "Le fonctionnement du PTCE",
        "Les grands chantiers 2015",
        "Le PHARES en graphiques",
        "Évolution du projet coopératif",
        "Perspectives",
        "Annexe : règles de comptage",
        "Contact",
    ]


def test_chaque_graphique_a_son_image_et_son_tableau(lu, exemple):
    assert [f["id"] for f in lu.figures] == [f"graphique-{g.cle}" for g in exemple.graphiques]
    for figure, graphique in zip(lu.figures, exemple.graphiques, strict=True):
        image = figure["img"]
        assert image["alt"].startswith(f"Graphique : {graphique.titre}.")
        assert image["src"].startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(image["src"].split(",", 1)[1]).decode()
        assert svg.startswith("<svg") and "<script" not in svg
        # The table holds every category and every value of every series.
        for categorie in graphique.categories:
            assert categorie in figure["cellules"]
        for serie in graphique.series:
            assert serie.nom in figure["cellules"]
            for valeur in serie.valeurs:
                attendu = graphiques.valeur_affichee(valeur, graphique.unite)
                assert attendu in figure["cellules"], (graphique.cle, attendu)


def test_regle_de_chaque_chiffre_au_survol(lu, exemple):
    for chiffre in exemple.chiffres:
        assert any(chiffre.regle in title for title in lu.titles), chiffre.cle


def test_marques_des_habitants(apercu):
    assert '<span class="nom associe" title="Associé de la SCIC">Halage</span>' in apercu
    assert '<span class="nom">UNAREC</span><span' not in apercu  # no asterisk after UNAREC
    assert '<span class="nom">Novaedia</span><span class="marque-parti"' in apercu
    assert "Soulignés</span> : associés de la SCIC" in apercu
    assert "ne sont plus physiquement dans les locaux" in apercu
    assert "(Juin–Août 2015)" in apercu


def test_images_de_l_apercu_par_url(lu, exemple, apercu):
    sources = {i["src"] for i in lu.images}
    assert exemple.couverture.url in sources
    for axe in exemple.axes:
        for photo in axe.photos:
            assert photo.url in sources
    # Every image says what it shows; the logos, outside MEDIA_ROOT here, come inline.
    assert all(i.get("alt") for i in lu.images)
    assert sum(1 for s in sources if s.startswith("data:image/png")) == len(exemple.financeurs)
    assert "file://" not in apercu
    assert 'href="/static/css/rapport.css"' in apercu


def test_sommaire_renvoie_aux_sections(apercu, exemple):
    for ancre in [
        "introduction",
        "aujourdhui",
        "habitants",
        "partenaires",
        "fonctionnement",
        "chantiers",
        "graphiques",
        "cooperative",
        "perspectives",
        "regles",
        "contact",
    ]:
        assert f'href="#{ancre}"' in apercu and f'id="{ancre}"' in apercu
    for axe in exemple.axes:
        assert f'href="#axe-{axe.numero}"' in apercu


def test_sans_perspectives_ni_graphiques_pas_de_section_vide(exemple):
    sans = dataclasses.replace(
        exemple,
        graphiques=[],
        textes=dataclasses.replace(exemple.textes, perspectives=""),
    )
    html = rendu.html(sans)
    assert 'id="graphiques"' not in html and 'href="#graphiques"' not in html
    assert 'id="perspectives"' not in html and 'href="#perspectives"' not in html


def test_tuiles_rattachees():
    """« 3 étages » tient dans la phrase de la surface : une seule case, les deux règles."""
    exemple_chiffres = [
        rendu.Chiffre("surface", 1350, "m²", "Règle surface.", "1350 m² sur 3 étages"),
        rendu.Chiffre("etages", 3, "étages", "Règle étages.", ""),
        rendu.Chiffre("etp", Decimal("2.50"), "ETP", "Règle ETP.", ""),
    ]
    tuiles = rendu.tuiles(exemple_chiffres)
    assert [(t.grand, t.petit) for t in tuiles] == [("1350", "m² sur 3 étages"), ("2,5", "ETP")]
    assert tuiles[0].regle == "Règle surface. Règle étages."
    # Without the full sentence, the floors have their own tile.
    seuls = rendu.tuiles([dataclasses.replace(exemple_chiffres[0], texte=""), exemple_chiffres[1]])
    assert [t.texte for t in seuls] == ["1350 m²", "3 étages"]


def test_svg_deterministe_et_sans_ressource_externe():
    graphique = Graphique(
        cle="essai",
        titre="Essai",
        type="camembert",
        categories=["A", "B"],
        series=[Serie("2015", [Decimal("1.5"), None])],
        unite="€",
    )
    premier = graphiques.svg(graphique)
    assert premier == graphiques.svg(graphique)
    assert 'id="chart-graphique-essai"' in premier
    for externe in ("<!--", "http://kozea", "//kozea", "googleapis", "<script"):
        assert externe not in premier
    rendu_ = graphiques.rendre(graphique)
    assert [(ligne.categorie, ligne.valeurs) for ligne in rendu_.lignes] == [
        ("A", ["1,50\u00a0€"]),
        ("B", ["—"]),
    ]


def test_type_de_graphique_inconnu():
    with pytest.raises(ValueError, match="Type de graphique inconnu"):
        graphiques.svg(Graphique("x", "X", "radar", ["a"], [Serie("2015", [1])]))


def test_annee_presque_vide(exemple):
    """Une année sans structures marquées, sans axes ni séances ni photos : pas d'erreur, pas
    de légende qui ne renvoie à rien."""
    vide = dataclasses.replace(
        exemple,
        domaines=[],
        financeurs=[],
        axes=[],
        graphiques=[],
        mouvements=[],
        postes=[],
        couverture=None,
        photos_generales=[],
        gouvernance=dataclasses.replace(exemple.gouvernance, seances=[], cogerants=[]),
    )
    html = rendu.html(vide)
    assert "Soulignés" not in html and "ne sont plus physiquement" not in html
    assert "Aucune séance tenue en 2015." in html
    assert "Aucun associé enregistré pour 2015." in html
    assert "<img" not in html
