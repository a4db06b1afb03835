"""Le PDF du rapport annuel, rendu une fois pour tout le module depuis l'exemple 2015 fait à
la main : on lit son texte (pypdf) comme un lecteur le lirait, page par page."""

import io
import re
import subprocess
import time

import pypdf
import pytest

from rapports import rendu


@pytest.fixture(scope="module")
def rendu_pdf(exemple):
    debut = time.perf_counter()
    contenu = rendu.pdf(exemple)
    return contenu, time.perf_counter() - debut


@pytest.fixture(scope="module")
def lecteur(rendu_pdf):
    return pypdf.PdfReader(io.BytesIO(rendu_pdf[0]))


@pytest.fixture(scope="module")
def pages(lecteur):
    return [_espaces(p.extract_text()) for p in lecteur.pages]


def _espaces(texte: str) -> str:
    """Texte extrait, espaces insécables et retours à la ligne ramenés à une espace, et les
    mots coupés en fin de ligne recollés (WeasyPrint coupe avec U+2010 ; un trait d'union
    du texte, « co-travail », reste)."""
    texte = re.sub(r"-\n", "-", re.sub(r"\u2010\n", "", texte.replace("\u00ad", "")))
    return re.sub(r"\s+", " ", texte.replace("\u00a0", " ").replace("\u202f", " "))


def _compact(texte: str) -> str:
    """Sans espaces : un nombre en grand et son libellé sont deux blocs, que l'extraction
    colle parfois (« 1350m² »)."""
    return re.sub(r"\s+", "", texte)


def _page_de(pages, fragment: str) -> int:
    """Le numéro (1…) de la première page après le sommaire qui contient `fragment`."""
    for numero, texte in enumerate(pages[2:], start=3):
        if fragment in texte:
            return numero
    raise AssertionError(f"{fragment!r} n'est dans aucune page.")


def test_rendu_en_quelques_secondes(rendu_pdf):
    contenu, duree = rendu_pdf
    assert contenu.startswith(b"%PDF-")
    # A few seconds here (≈ 2 s idle, more on a loaded 2-core machine).
    assert duree < 20, f"rendu en {duree:.1f} s"


def test_couverture_sans_en_tete(pages):
    couverture = pages[0]
    assert "Rapport annuel 2015" in couverture
    assert "La Cité PHARES" in couverture
    # No running header or page number on the cover.
    assert "1 / " not in couverture


def test_chaque_chiffre_cle(pages, exemple):
    page = pages[_page_de(pages, "Aujourd’hui, le PHARES, c’est") - 1]
    for attendu in [
        "1350 m² sur 3 étages",
        "18 'habitants'",
        "71 emplois permanents",
        "170 salariés en insertion",
        "6 services civiques",
        "80 bénévoles",
        "2,5 équivalent temps plein dédiés au PHARES",
        "7 salles de réunion et de formation",
        "16 bureaux privatifs",
        "5 postes dans un espace de co-travail",
        "1 réfectoire et 1 cafétéria",
        "3 ateliers",
        "1 épicerie",
    ]:
        assert _compact(attendu) in _compact(page), attendu


def test_annexe_donne_la_regle_de_chaque_chiffre(pages, exemple):
    annexe = " ".join(p for p in pages if "Annexe : règles de comptage" in p)
    for chiffre in exemple.chiffres:
        assert chiffre.regle in annexe, chiffre.cle
    for graphique in exemple.graphiques:
        if graphique.regle:
            assert graphique.regle in annexe


def test_habitants_sous_leur_domaine_avec_leurs_marques(pages, exemple):
    debut = _page_de(pages, "Les habitants du PHARES Les habitants du PHARES sont")
    texte = " ".join(pages[debut - 1 : _page_de(pages, "Les partenaires du PHARES") - 1])
    assert "Soulignés : associés de la SCIC" in texte
    assert "* ne sont plus physiquement dans les locaux" in texte
    position = -1
    for domaine in exemple.domaines:
        # Domain names are printed in capitals.
        debut = texte.upper().index(domaine.nom.upper(), position + 1)
        assert debut > position, f"{domaine.nom} n'est pas à sa place"
        position = debut
        for habitant in domaine.habitants:
            nom = habitant.nom + ("*" if habitant.parti else "")
            if habitant.periode:
                nom += f" ({habitant.periode})"
            trouve = texte.index(nom, position)
            assert trouve > position, f"{habitant.nom} n'est pas sous {domaine.nom}"
            position = trouve
    # Nobody who stayed has an asterisk.
    assert "Halage*" not in texte
    assert "Novaedia*" in texte
    assert "Marchambul* (Juin–Août 2015)" in texte
    assert "Mael (depuis octobre 2015)" in texte
    assert "La Mission populaire* (départ en septembre 2015)" in texte


def test_partenaires_et_gouvernance(pages, exemple):
    partenaires = pages[_page_de(pages, "Les partenaires du PHARES") - 1]
    for financeur in exemple.financeurs:
        assert financeur.nom in partenaires
    fonctionnement = pages[_page_de(pages, "Le fonctionnement du PTCE") - 1]
    for attendu in [
        "9 associés au 31 décembre 2015",
        "Habitants du PHARES : 8",
        "4 cogérants",
        "2 séances tenues, 7 décisions prises en 2015",
        "Soit 2,5 équivalents temps plein dédiés au PHARES",
    ]:
        assert _compact(attendu) in _compact(fonctionnement), attendu


def test_chaque_axe_ses_paroles_sa_liste_ses_photos(pages, exemple):
    chantiers = " ".join(pages[_page_de(pages, "Les grands chantiers 2015") - 1 :])
    for axe in exemple.axes:
        assert f"{axe.numero} {axe.titre}" in chantiers
        for parole in axe.paroles:
            assert f"« {parole.texte} »" in chantiers
        for element in axe.elements:
            assert element.texte in chantiers
            for sous in element.sous_elements:
                assert sous in chantiers
        for photo in axe.photos:
            assert photo.legende in chantiers
    assert chantiers.count("en 2015") >= len(exemple.axes)


def test_evolution_du_projet_cooperatif(pages):
    page = pages[_page_de(pages, "Évolution du projet coopératif Ce que") - 1]
    assert "Habitants du PHARES 6 2 0 8" in page
    assert "Total 7 2 0 9" in page
    # (7 present + 1 represented) / 9 registered.
    assert "89 %" in page


def test_graphiques_et_leurs_tableaux(pages, exemple):
    texte = " ".join(pages)
    for graphique in exemple.graphiques:
        assert f"{graphique.titre} : les chiffres" in texte
    assert "Loyers 61 200,00 €" in texte
    assert "Salle Verte 188 —" in texte


def test_contact_en_derniere_page(pages):
    derniere = pages[-1]
    for attendu in [
        "Contact",
        "Anne Hurand",
        "01 48 13 04 31",
        "anne.hurand@lephares.coop",
        "www.lephares.coop",
        "6 rue Arnold Géraux",
    ]:
        assert attendu in derniere


def _sommaire(texte: str) -> list[tuple[str, int]]:
    """Les entrées du sommaire : « titre . . . . 12 », un titre pouvant tenir sur 2 lignes."""
    entrees = []
    morceau = ""
    for ligne in texte.splitlines()[1:]:
        morceau = f"{morceau} {ligne}".strip()
        trouve = re.fullmatch(r"(.*?)\s*(?:\.\s*){2,}(\d+)", morceau)
        if trouve:
            entrees.append((trouve.group(1), int(trouve.group(2))))
            morceau = ""
    return entrees


def test_sommaire_donne_les_vraies_pages(lecteur, pages):
    texte = lecteur.pages[1].extract_text()
    assert texte.startswith("Table des matières")
    entrees = _sommaire(texte)
    assert len(entrees) >= 14, entrees
    # Where each heading really is: the PDF's bookmarks (one per heading) and the page text.
    signets = {}

    def parcourir(noeuds):
        for noeud in noeuds:
            if isinstance(noeud, list):
                parcourir(noeud)
            else:
                signets[_espaces(noeud.title)] = lecteur.get_destination_page_number(noeud) + 1

    parcourir(lecteur.outline)
    for titre, page in entrees:
        cle = _espaces(titre.replace("– ", ""))
        assert signets[cle] == page, f"{titre} : sommaire {page}, signet {signets[cle]}"
        assert cle in pages[page - 1], f"{titre} n'est pas en page {page}"
    numeros = [page for _, page in entrees]
    assert numeros == sorted(numeros)
    assert numeros[0] == 3 and numeros[-1] == len(lecteur.pages)


def test_en_tetes_et_pieds_de_page(pages):
    total = len(pages)
    for numero, texte in enumerate(pages[1:], start=2):
        assert f"{numero} / {total}" in texte
        assert "Rapport annuel 2015" in texte
    # The running header names the section the page belongs to, on its second page too
    # (margin boxes come last in the text: they are artifacts, after the page's content).
    habitants = _page_de(pages, "Les habitants du PHARES Les habitants du PHARES")
    assert "Metropop'" in pages[habitants]
    assert "Les habitants du PHARES Rapport annuel 2015" in pages[habitants]


def test_pdf_balise_polices_embarquees(lecteur):
    catalogue = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "fr"
    assert lecteur.metadata.title == "Rapport annuel PTCE La Cité PHARES Année 2015"
    polices = {}
    for page in lecteur.pages:
        for police in (page["/Resources"].get("/Font") or {}).values():
            police = police.get_object()
            descripteur = police.get("/FontDescriptor")
            if descripteur is None:
                descripteur = police["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descripteur = descripteur.get_object()
            polices[str(police["/BaseFont"])] = any(
                k in descripteur for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert any("Inter" in nom for nom in polices), polices
    assert all(polices.values()), polices


def _structure(noeud, elements):
    noeud = noeud.get_object() if hasattr(noeud, "get_object") else noeud
    if isinstance(noeud, dict):
        if "/S" in noeud:
            elements.append(noeud)
        if "/K" in noeud:
            _structure(noeud["/K"], elements)
    elif isinstance(noeud, list):
        for enfant in noeud:
            _structure(enfant, elements)
    return elements


def test_structure_lue_par_un_lecteur_d_ecran(lecteur, exemple):
    elements = _structure(lecteur.trailer["/Root"]["/StructTreeRoot"], [])
    types = [str(e["/S"]) for e in elements]
    assert types.count("/H1") == 1
    assert types.count("/H2") == 12
    assert types.count("/H3") >= len(exemple.axes) + len(exemple.domaines)
    assert "/Table" in types and "/TH" in types and "/BlockQuote" in types
    figures = [e for e in elements if e["/S"] == "/Figure"]
    images = (
        1
        + len(exemple.photos_generales)
        + len(exemple.financeurs)
        + sum(len(a.photos) for a in exemple.axes)
        + len(exemple.graphiques)
    )
    assert len(figures) == images
    # Every image says what it shows.
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_images_des_pages(rendu_pdf, pdftoppm, tmp_path):
    """Poppler lit le fichier et en tire des images : couverture, chiffres clés, habitants."""
    chemin = tmp_path / "rapport.pdf"
    chemin.write_bytes(rendu_pdf[0])
    subprocess.run(
        [pdftoppm, "-r", "30", "-png", "-f", "1", "-l", "5", str(chemin), str(tmp_path / "p")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    from PIL import Image

    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 5
    for image in images:
        with Image.open(image) as page:
            # A4 at 30 dpi, portrait.
            largeur, hauteur = page.size
            assert abs(largeur - 248) <= 1 and abs(hauteur - 351) <= 1
            assert len(page.getcolors(maxcolors=100_000) or range(2)) > 1  # not blank
    with Image.open(images[0]) as couverture:
        # The cover is the site's primary blue (#0b4f6c) from edge to edge.
        assert couverture.getpixel((3, 3))[:3] == (11, 79, 108)
