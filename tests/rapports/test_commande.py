"""`manage.py rapport_annuel` : le PDF d'une année en ligne de commande. `rassembler` est
remplacé par l'exemple 2015 fait à la main (ou par une année sans données) : la commande se
teste sans la démo."""

import io
from dataclasses import dataclass

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapports import donnees, selectors
from rapports.management.commands.rapport_annuel import Command
from rapports.models import Redaction

# The command reads the year's texts (rapports.Redaction) before gathering.
pytestmark = pytest.mark.django_db


@pytest.fixture
def sans_donnees(monkeypatch):
    def rassembler(annee, **kwargs):
        raise donnees.AnneeSansDonnees(annee)

    monkeypatch.setattr(donnees, "rassembler", rassembler)


def test_ecrit_le_brouillon_de_l_annee(monkeypatch, exemple, tmp_path):
    demandees = []
    Redaction.objects.create(annee=2015, introduction="Une année de coopération.")

    def rassembler(annee, **kwargs):
        demandees.append((annee, kwargs["textes"].introduction))
        return exemple

    monkeypatch.setattr(donnees, "rassembler", rassembler)
    sortie = tmp_path / "rapport-2015.pdf"
    messages = io.StringIO()
    call_command("rapport_annuel", "2015", "--output", str(sortie), stdout=messages)
    assert demandees == [(2015, "Une année de coopération.")]
    lecteur = pypdf.PdfReader(sortie)
    assert lecteur.metadata.title == exemple.titre
    assert "Anne Hurand" in lecteur.pages[-1].extract_text()
    assert f"Rapport 2015 (brouillon) écrit dans {sortie}" in messages.getvalue()


def test_annee_sans_donnees_echoue_en_francais(sans_donnees, tmp_path):
    sortie = tmp_path / "rapport-1990.pdf"
    with pytest.raises(CommandError, match="Pas de rapport pour 1990 : aucune donnée"):
        call_command("rapport_annuel", "1990", "--output", str(sortie))
    assert not sortie.exists()


def test_code_de_sortie_non_nul(sans_donnees, tmp_path, capsys):
    """Ce que voit un script ou le cron : un code de sortie non nul et le message."""
    with pytest.raises(SystemExit) as sortie:
        Command().run_from_argv(
            ["manage.py", "rapport_annuel", "1990", "--output", str(tmp_path / "x.pdf")]
        )
    assert sortie.value.code != 0
    assert "Pas de rapport pour 1990" in capsys.readouterr().err


@dataclass
class _Edition:
    pdf: bytes
    version: int


def test_published_ecrit_les_octets_de_l_edition(monkeypatch, tmp_path):
    editions = []

    def derniere_edition(annee):
        editions.append(annee)
        return _Edition(pdf=memoryview(b"%PDF-1.7 fige"), version=3)

    monkeypatch.setattr(selectors, "derniere_edition", derniere_edition)
    # A published edition is never re-rendered from the data.
    monkeypatch.setattr(donnees, "rassembler", lambda *a, **k: pytest.fail("rendu"))
    sortie = tmp_path / "publie.pdf"
    messages = io.StringIO()
    call_command("rapport_annuel", "2015", "--published", "-o", str(sortie), stdout=messages)
    assert editions == [2015]
    assert sortie.read_bytes() == b"%PDF-1.7 fige"
    assert "édition publiée n° 3" in messages.getvalue()


def test_published_sans_edition(tmp_path):
    with pytest.raises(CommandError, match="Aucune édition publiée du rapport 2015"):
        call_command("rapport_annuel", "2015", "--published", "-o", str(tmp_path / "x.pdf"))


def test_fichier_impossible_a_ecrire(monkeypatch, tmp_path):
    monkeypatch.setattr(
        selectors, "derniere_edition", lambda annee: _Edition(pdf=b"%PDF", version=1)
    )
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        call_command(
            "rapport_annuel", "2015", "--published", "-o", str(tmp_path / "absent" / "x.pdf")
        )
