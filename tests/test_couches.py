"""Les dépendances vont dans un seul sens, et `make lint` le vérifie (import-linter,
contrats dans pyproject.toml) : une importation qui casse une couche fait échouer la CI."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
PAQUETS = ["phares", "habitants", "espaces", "gouvernance", "rapports"]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(dossier: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=dossier,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(dossier), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def copie(tmp_path_factory):
    """Le code du projet (sans les tests), copié pour y glisser une importation interdite."""
    dossier = tmp_path_factory.mktemp("projet")
    for paquet in PAQUETS:
        shutil.copytree(RACINE / paquet, dossier / paquet, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(RACINE / "pyproject.toml", dossier)
    return dossier


def test_le_projet_respecte_ses_contrats(copie):
    result = lint(copie)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "importation", "contrat"),
    [
        # habitants is below gouvernance: it marks associates through phares.lib.panels.
        ("habitants/views.py", "from gouvernance import selectors", "Couches"),
        # The kernel knows no app, not even inside a function.
        ("phares/roles.py", "def f():\n    from habitants import selectors", "Couches"),
        # espaces and gouvernance are independent (except booking through espaces' services).
        ("espaces/selectors.py", "import gouvernance.models", "Couches"),
        # Only the shell may import the demo command.
        ("habitants/demo.py", "import phares.management.commands.demo", "Couches"),
        # espaces reads structures through habitants.selectors, not their tables.
        ("espaces/views/reservations.py", "from habitants.models import Membre", "espaces lit"),
        # Inside phares, the kernel never imports the shell.
        ("phares/lib/dates.py", "from phares import views", "phares :"),
    ],
)
def test_une_importation_qui_casse_une_couche_echoue(copie, tmp_path, module, importation, contrat):
    dossier = tmp_path / "p"
    shutil.copytree(copie, dossier)
    cible = dossier / module
    if not cible.exists():  # a package after the split: its __init__
        cible = cible.with_suffix("") / "__init__.py"
    cible.write_text(cible.read_text() + "\n\n" + importation + "\n")

    result = lint(dossier)

    assert result.returncode != 0
    casses = [ligne for ligne in result.stdout.splitlines() if " BROKEN" in ligne]
    assert any(ligne.startswith(contrat) for ligne in casses), result.stdout
