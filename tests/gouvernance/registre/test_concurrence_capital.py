"""Courses réelles (tests/course.py) sur le capital et le registre : chaque fil a sa
connexion. Sur PostgreSQL le verrou consultatif `gouvernance:capital` sérialise les
écritures du capital (sans lui, huit remboursements simultanés liraient tous 10 000 € et
passeraient ensemble sous le plancher) ; sur SQLite, BEGIN IMMEDIATE."""

import datetime
from decimal import Decimal

import pytest

from gouvernance import selectors
from gouvernance.models import Associe, DemandeRetrait, MouvementCapital
from gouvernance.services import GouvernanceError, capital, registre
from tests.gouvernance.registre.conftest import SYSTEME, associe_structure, lisible, structure

pytestmark = pytest.mark.django_db(transaction=True)
d = datetime.date


def trier(resultats, attendu):
    gagnants = [r for r in resultats if isinstance(r, attendu)]
    perdants = [r for r in resultats if not isinstance(r, attendu)]
    # Anything else than a readable refusal (OperationalError, IntegrityError…) fails here.
    assert all(isinstance(p, GouvernanceError) for p in perdants), perdants
    return gagnants, [lisible(str(p)) for p in perdants]


@pytest.fixture
def huit_demandes(db):
    """Dix structures de 10 parts payées (10 000 €, plancher 2 500 €) ; huit sont sorties
    fin 2015 avec leur demande de retrait. Sept remboursements passent, pas huit."""
    demandes = []
    for i in range(10):
        a = associe_structure(structure(f"Structure {i}"))
        capital.souscrire(
            associe=a, date=d(2014, 6, 1), parts=10, libere=Decimal(1000), par=SYSTEME
        )
        if i < 8:
            registre.sortir_associe(
                associe=a, sortie=d(2015, 12, 31), motif="demission", par=SYSTEME
            )
            demandes.append(DemandeRetrait.objects.get(associe=a))
    return demandes


def test_huit_remboursements_simultanes_respectent_le_plancher(course, huit_demandes):
    def rembourser(i):
        return capital.rembourser(demande=huit_demandes[i], date=d(2016, 2, 1), par=SYSTEME)

    gagnants, messages = trier(course.lancer(rembourser, n=8), MouvementCapital)

    assert len(gagnants) == 7
    assert len(messages) == 1 and "sous son plancher de 2 500,00 €" in messages[0]
    total = course.lire(lambda: selectors.capital(le=d(2016, 2, 1)).total.souscrit)
    assert total == Decimal("3000.00")


def test_une_demande_remboursee_depuis_dix_onglets_ne_l_est_qu_une_fois(course, huit_demandes):
    def rembourser(i):
        return capital.rembourser(demande=huit_demandes[0], date=d(2016, 2, 1), par=SYSTEME)

    gagnants, messages = trier(course.lancer(rembourser, n=10), MouvementCapital)

    assert len(gagnants) == 1
    assert set(messages) == {"Cette demande de retrait est déjà remboursée."}
    assert course.lire(lambda: MouvementCapital.objects.filter(type="remboursement").count()) == 1


def test_des_versements_simultanes_ne_depassent_pas_le_souscrit(course, db):
    a = associe_structure(structure("Halage"))
    capital.souscrire(associe=a, date=d(2014, 6, 1), parts=5, par=SYSTEME)

    def verser(i):
        return capital.liberer(associe=a, date=d(2015, 1, 1), montant=Decimal(100), par=SYSTEME)

    gagnants, messages = trier(course.lancer(verser, n=10), MouvementCapital)

    assert len(gagnants) == 5
    assert all("restent à libérer" in m for m in messages)
    assert course.lire(lambda: selectors.solde(a, le=d(2015, 1, 1)).libere) == Decimal("500.00")


def test_une_structure_admise_depuis_dix_onglets_ne_l_est_qu_une_fois(course, db):
    s = structure("Halage")

    def admettre(i):
        return associe_structure(s, entree=d(2015, 1, 1 + i))

    gagnants, messages = trier(course.lancer(admettre, n=10), Associe)

    assert len(gagnants) == 1
    assert all("Halage est déjà associé depuis le" in m for m in messages)
    assert course.lire(lambda: Associe.objects.filter(structure=s).count()) == 1
