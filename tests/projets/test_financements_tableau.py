"""Le tableau de bord prévient l'équipe des subventions qui se terminent : dans les 6 mois,
puis dans 6 à 12 mois, avec le financeur, le montant et la date de fin."""

import datetime
import re
from decimal import Decimal

import pytest

from habitants.projets.models import Partenaire, Subvention
from habitants.projets.panels_financements import tableau_de_bord
from tests.conftest import client_as

AUJOURDHUI = datetime.datetime(2015, 6, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def subventions(db):
    etat = Partenaire.objects.create(nom="Caisse des Dépôts", categorie="etat")
    region = Partenaire.objects.create(nom="Région Île-de-France", categorie="region")

    def creer(financeur, fin, statut=Subvention.Statut.ACCORDEE, accorde=Decimal(45000)):
        return Subvention.objects.create(
            financeur=financeur,
            intitule=f"Fonctionnement jusqu'au {fin:%d/%m/%Y}",
            statut=statut,
            montant_demande=Decimal(50000),
            montant_accorde=accorde,
            debut=datetime.date(2014, 1, 1),
            fin=fin,
        )

    return {
        "cinq_mois": creer(etat, datetime.date(2015, 11, 15)),
        "onze_mois": creer(region, datetime.date(2016, 5, 15), statut=Subvention.Statut.SOLDEE),
        "passee": creer(etat, datetime.date(2015, 6, 14)),
        "lointaine": creer(region, datetime.date(2016, 6, 16)),
        "demandee": creer(etat, datetime.date(2015, 9, 30), Subvention.Statut.DEMANDEE, None),
    }


def section(html, ident):
    return re.search(rf'<div class="col-md-6" id="{ident}">(.*?)</div>', html, re.S).group(1)


@pytest.mark.parametrize("persona", ["gestion", "comptable"])
def test_l_equipe_voit_les_subventions_qui_se_terminent(
    subventions, persona, request, time_machine
):
    time_machine.move_to(AUJOURDHUI, tick=False)
    html = client_as(request.getfixturevalue(persona)).get("/").content.decode()

    six, douze = section(html, "subventions-6-mois"), section(html, "subventions-12-mois")
    assert "Dans les 6 mois" in six and "Dans 6 à 12 mois" in douze
    assert "Caisse des Dépôts" in six and "45\u202f000,00" in six and "15 nov. 2015" in six
    assert f'href="/subventions/{subventions["cinq_mois"].pk}/"' in six
    assert "Région Île-de-France" in douze and "15 mai 2016" in douze
    assert f'href="/subventions/{subventions["onze_mois"].pk}/"' in douze
    assert "Région" not in six and "Caisse" not in douze
    for autre in ("passee", "lointaine", "demandee"):
        assert subventions[autre].intitule not in html


@pytest.mark.parametrize("persona", ["referent_a", "membre_a", "cogerant", "associe"])
def test_les_autres_ne_voient_pas_l_encart(subventions, persona, request, time_machine):
    time_machine.move_to(AUJOURDHUI, tick=False)
    html = client_as(request.getfixturevalue(persona)).get("/").content.decode()

    assert "Subventions qui se terminent" not in html
    assert "Caisse des Dépôts" not in html


def test_l_encart_prend_une_date(subventions, gestion):
    panel = tableau_de_bord(user=gestion, le=datetime.date(2015, 12, 1))

    assert panel.context["six_mois"] == [subventions["onze_mois"]]
    assert panel.context["douze_mois"] == [subventions["lointaine"]]
