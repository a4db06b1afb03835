"""Publications simultanées du rapport d'une même année (tests/course.py : de vrais fils,
chacun sa connexion) : chacune reçoit son numéro de version, sans trou ni doublon ni
erreur, y compris la toute première, qui crée la rédaction de l'année. Sur PostgreSQL, le
verrou de la rédaction (select_for_update) départage ; sur SQLite, BEGIN IMMEDIATE."""

import pytest

from phares.models import EntreeJournal
from rapports import services
from rapports.models import Edition, Redaction
from tests.conftest import acteur
from tests.course import FILS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def sans_processus(settings):
    # Twenty PDFs would only slow the race down: the editions stay « en attente ».
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_publications_simultanees_versions_distinctes(course, gestion, structure_a):
    def publier(i):
        return services.publier(annee=2015, par=acteur(gestion))

    resultats = course.lancer(publier)

    assert all(isinstance(r, Edition) for r in resultats), resultats
    assert sorted(r.version for r in resultats) == list(range(1, FILS + 1))
    versions, redactions, creees = course.lire(
        lambda: (
            sorted(Edition.objects.filter(annee=2015).values_list("version", flat=True)),
            Redaction.objects.filter(annee=2015).count(),
            EntreeJournal.objects.filter(
                operation="rapport.rediger", libelle__contains="rédaction créée"
            ).count(),
        )
    )
    assert versions == list(range(1, FILS + 1))
    assert (redactions, creees) == (1, 1)
