"""Numérotation sous la concurrence : dix émissions simultanées (chacune sa connexion) donnent
exactement 1…10, sans trou ni doublon ; une même facture émise depuis dix onglets ne l'est
qu'une fois."""

import pytest

from espaces.facturation import services
from espaces.facturation.models import Facture
from phares.lib.acteur import Acteur
from tests.conftest import acteur
from tests.facturation.conftest import MARS, convention

pytestmark = pytest.mark.django_db(transaction=True)
N = 10


@pytest.fixture
def dix_brouillons(db, domaine, bureau, cotravail, cooperative, comptable, monkeypatch):
    import datetime

    from habitants.models import Structure

    # The PDF is not what is raced here (and renders in 0.2 s): a stand-in keeps it short.
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())
    for i in range(N):
        s = Structure.objects.create(
            nom=f"Structure {i}",
            slug=f"s{i}",
            domaine=domaine,
            arrivee=datetime.date(2020, 1, 1),
            email_facturation=f"compta@s{i}.test",
        )
        convention(s, cotravail, datetime.date(2025, 1, 1), poste=i + 1, montant="120.00")
    services.preparer_mois(mois=MARS, par=Acteur.systeme("test"))
    return list(Facture.objects.brouillons().order_by("pk"))


@pytest.fixture
def cotravail(etage):
    from decimal import Decimal

    from espaces.models import Espace, TypeEspace

    return Espace.objects.create(
        etage=etage,
        nom="Co-travail",
        slug="cotravail",
        type=TypeEspace.COTRAVAIL,
        nb_postes=N,
        surface_m2=Decimal(80),
    )


def test_dix_emissions_simultanees_donnent_un_a_dix(course, dix_brouillons, comptable):
    assert len(dix_brouillons) == N

    def emettre(i):
        return services.emettre(facture=dix_brouillons[i], par=acteur(comptable)).numero

    resultats = course.lancer(emettre, n=N)

    assert all(isinstance(r, str) for r in resultats), resultats
    assert sorted(resultats) == [f"F2026-{i:04d}" for i in range(1, N + 1)]
    rangs = course.lire(lambda: sorted(Facture.objects.emises().values_list("rang", flat=True)))
    assert rangs == list(range(1, N + 1))


def test_une_facture_emise_depuis_dix_onglets(course, dix_brouillons, comptable):
    def emettre(i):
        return services.emettre(facture=dix_brouillons[0], par=acteur(comptable)).numero

    resultats = course.lancer(emettre, n=N)

    gagnants = [r for r in resultats if isinstance(r, str)]
    perdants = [r for r in resultats if not isinstance(r, str)]
    assert gagnants == ["F2026-0001"]
    assert all(isinstance(p, services.FacturationError) for p in perdants), perdants
    assert course.lire(lambda: Facture.objects.emises().count()) == 1


def test_une_facture_reglee_depuis_dix_onglets_ne_l_est_qu_une_fois(
    course, dix_brouillons, comptable
):
    """Dix saisies du même virement (tout le reste dû) : une passe, les autres sont refusées,
    et la facture n'est jamais payée au-delà de son total."""
    from espaces.facturation import reglements, selectors
    from espaces.facturation.models import Imputation

    f = services.emettre(facture=dix_brouillons[0], par=acteur(comptable))

    def payer(i):
        return reglements.enregistrer_paiement(
            structure=f.structure,
            factures=[f],
            date=f.date_emission,
            montant=f.total_ttc,
            moyen="virement",
            par=acteur(comptable),
        ).pk

    resultats = course.lancer(payer, n=N)

    gagnants = [r for r in resultats if isinstance(r, int)]
    perdants = [r for r in resultats if not isinstance(r, int)]
    assert len(gagnants) == 1, resultats
    assert all(isinstance(p, services.FacturationError) for p in perdants), perdants
    assert course.lire(lambda: Imputation.objects.count()) == 1
    reste = course.lire(
        lambda: selectors.reste(selectors.avec_soldes(Facture.objects.filter(pk=f.pk)).get())
    )
    assert reste == 0
