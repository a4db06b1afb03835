"""Le rapport 2015 de la démo, de bout en bout : la commande écrit le PDF depuis les données
et les textes de l'année, le texte extrait du PDF dit les chiffres et les habitants du
rapport de 2015, et une édition publiée reste la même quand les données changent."""

import io
import subprocess

import pypdf
import pytest
from django.core.management import call_command

from habitants.models import Structure
from phares.models import User
from rapports import selectors, services
from tests.conftest import acteur

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]


def texte(chemin) -> str:
    lecteur = pypdf.PdfReader(chemin)
    return "\n".join(page.extract_text() for page in lecteur.pages)


@pytest.fixture(scope="module")
def pdf_2015(demo_2015, django_db_blocker, tmp_path_factory):
    chemin = tmp_path_factory.mktemp("rapport") / "rapport-2015.pdf"
    with django_db_blocker.unblock():
        call_command("rapport_annuel", "2015", "--output", str(chemin), stdout=io.StringIO())
    return chemin


def test_les_chiffres_cles_de_2015(pdf_2015):
    contenu = " ".join(texte(pdf_2015).split())
    for attendu in (
        "1350m² sur 3 étages", "18'habitants'", "71emplois permanents",
        "170salariés en insertion", "6services civiques", "80bénévoles",
        "2,5équivalent temps plein", "7salles de réunion", "16bureaux privatifs",
        "5postes", "1réfectoire et 1 cafétéria", "3ateliers", "1épicerie",
    ):  # fmt: skip
        assert attendu in contenu


def test_les_textes_et_les_habitants_de_l_annee(pdf_2015):
    contenu = texte(pdf_2015)
    redaction = selectors.redaction(2015)
    premiere_phrase = redaction.introduction.split(".")[0]
    assert " ".join(premiere_phrase.split())[:60] in " ".join(contenu.split())
    # Those who left in 2015 keep their asterisk and their dates, as in the seed.
    assert "La Mission populaire* (départ en septembre 2015)" in contenu
    assert "Mael (depuis octobre 2015)" in contenu
    assert "Ile Vivante (depuis septembre 2015)" in contenu


def test_le_pdf_s_imprime(pdf_2015, pdftoppm, tmp_path):
    """pdftoppm lit le fichier page à page : un PDF qu'un imprimeur peut ouvrir."""
    subprocess.run(
        [pdftoppm, "-r", "20", "-png", "-f", "1", "-l", "5", str(pdf_2015), str(tmp_path / "p")],
        check=True,
        capture_output=True,
    )
    assert len(list(tmp_path.glob("p-*.png"))) == 5


def test_l_edition_publiee_ne_bouge_plus(tmp_path):
    gestion = User.objects.get(email="gestion@phares.test")  # the demo's chargée
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    assert edition.statut == "publiee", edition.erreur
    halage = Structure.objects.get(slug="halage")
    halage.description = "Une description changée après la publication."
    halage.save()
    sortie = tmp_path / "publie.pdf"
    call_command("rapport_annuel", "2015", "--published", "-o", str(sortie), stdout=io.StringIO())
    assert sortie.read_bytes() == bytes(edition.pdf)
    assert "Une description changée" not in texte(sortie)
    brouillon = tmp_path / "brouillon.pdf"
    call_command("rapport_annuel", "2015", "-o", str(brouillon), stdout=io.StringIO())
    assert "Une description changée après la publication." in " ".join(texte(brouillon).split())
