import os
import shutil

import pytest

from tests.rapports.rapport_exemple import rapport_exemple


@pytest.fixture(scope="module")
def exemple(tmp_path_factory):
    """Le rapport 2015 fait à la main (sans base), une fois par module."""
    return rapport_exemple(tmp_path_factory.mktemp("rapport-exemple"))


@pytest.fixture(scope="session")
def pdftoppm():
    """poppler-utils' pdftoppm: skipped where it is absent, but required in CI."""
    chemin = shutil.which("pdftoppm")
    if chemin is None:
        message = "pdftoppm est absent : `apt-get install poppler-utils` (voir .ci/run)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chemin


@pytest.fixture
def appels_rassembler(monkeypatch) -> list[dict]:
    """Ce que `rassembler` a reçu (année, textes, sélection), appel après appel : le vrai
    `rassembler` tourne, l'espion ne fait que noter."""
    from rapports import donnees

    appels: list[dict] = []
    vrai = donnees.rassembler

    def espion(annee, **kwargs):
        appels.append({"annee": annee, **kwargs})
        return vrai(annee, **kwargs)

    monkeypatch.setattr(donnees, "rassembler", espion)
    return appels
