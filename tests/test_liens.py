"""Aucun lien montré à une personne ne mène à une page qu'elle n'a pas le droit d'ouvrir :
le tableau de bord et la navigation de chaque persona sont parcourus lien par lien."""

import re
from html import unescape

import pytest

from tests.conftest import PERSONAS, client_as
from tests.espaces.views_fixtures import construire_lieu

LIEN = re.compile(r'<a [^>]*href="(/[^"#]*)"')
# Logging out is a form (POST), media are files, and the admin is for superusers.
IGNORES = ("/comptes/logout/", "/media/", "/admin/")


def liens(html: str) -> list[str]:
    return sorted({unescape(h) for h in LIEN.findall(html) if not h.startswith(IGNORES)})


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_chaque_lien_du_tableau_de_bord_s_ouvre(persona, personas, structure_a):
    construire_lieu(structure_a)
    client = client_as(personas[persona])
    accueil = client.get("/")
    assert accueil.status_code == 200

    refuses = {}
    for url in liens(accueil.text):
        status = client.get(url).status_code
        if status not in (200, 302):
            refuses[url] = status
    assert refuses == {}, f"{persona} voit des liens qui ne s'ouvrent pas : {refuses}"


def test_la_comptabilite_ne_se_voit_pas_proposer_de_reserver(comptable, structure_a):
    construire_lieu(structure_a)
    text = client_as(comptable).get("/").text
    assert "Réserver une salle" not in text and "Occupation des salles" in text
    assert "Toutes les réservations à venir" in text
