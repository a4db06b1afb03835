"""La page de la gouvernance : prochaine séance, points proposés, actions de suivi ouvertes
(les vingt plus proches, et combien en retard en tout), la liste des séances et leurs
décisions, en un nombre fixe de requêtes."""

import datetime

import pytest
from django.urls import reverse

from gouvernance.models import Action, Point, Seance
from gouvernance.services import seances as services_seances
from tests.conftest import client_as
from tests.gouvernance.conftest import JUILLET
from tests.gouvernance.test_gouv_vues import approuvee  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _actions(seance, responsable, n, *, premiere):
    for i in range(n):
        Action.objects.create(
            seance=seance,
            libelle=f"Action {premiere + i:02d}",
            responsable=responsable,
            echeance=datetime.date(2015, 8, 11) + datetime.timedelta(days=premiere + i),
        )


def _seance(par, jours):
    return services_seances.creer_seance(
        type=Seance.Type.COGERANCE,
        debut=JUILLET + datetime.timedelta(days=jours),
        fin=None,
        lieu="PHARES",
        par=par,
    )


def test_la_page_montre_les_actions_les_propositions_et_les_seances(
    approuvee,  # noqa: F811
    cogerant,
    cogerants,
    par,
    time_machine,
    django_assert_num_queries,
):
    time_machine.move_to(datetime.datetime(2015, 9, 1, 10, tzinfo=datetime.UTC), tick=False)
    prochaine = _seance(par, 90)  # in October
    # 22 open actions: the first 21 overdue on 1 September, only the first 20 listed.
    _actions(prochaine, cogerants[1], 22, premiere=0)
    fait = Action.objects.create(
        seance=prochaine,
        libelle="Déjà faite",
        responsable=cogerants[1],
        echeance=datetime.date(2015, 7, 1),
        statut=Action.Statut.FAIT,
    )
    Point.objects.create(titre="Le jardin partagé", propose_par=cogerants[2], propose_le=JUILLET)
    c = client_as(cogerant)
    c.get(reverse("gouvernance:seance-liste"))
    with django_assert_num_queries(8):
        r = c.get(reverse("gouvernance:seance-liste"))
    texte = r.content.decode()
    assert "21 actions en retard." in texte
    assert "Action 00" in texte and "Action 19" in texte and "Action 20" not in texte
    assert fait.libelle not in texte and "Martine Roux" in texte
    assert "Le jardin partagé" in texte and "Mamadou Traoré" in texte
    assert "2 séances, la plus récente en tête" in texte
    assert '<td class="text-end">1</td>' in texte  # the approved one's decision
    assert f">{approuvee.numero}<" in texte

    # More séances, decisions and actions: not one query more.
    for jours in (100, 110, 120):
        _seance(par, jours)
    _actions(prochaine, cogerants[3], 5, premiere=40)
    with django_assert_num_queries(8):
        r = c.get(reverse("gouvernance:seance-liste"))
    assert "5 séances" in r.content.decode()
