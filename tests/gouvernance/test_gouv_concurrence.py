"""Approuver pendant qu'on écrit, depuis d'autres sessions (connexions réelles, en même
temps) : chaque écriture passe avant l'approbation, et figure au procès-verbal, ou après, et
elle est refusée avec le message ; jamais une décision hors du PDF d'un procès-verbal
approuvé. Sur PostgreSQL, le verrou de la ligne de la séance ordonne les opérations ; sur
SQLite, BEGIN IMMEDIATE les sérialise."""

import pytest

from gouvernance.models import Decision, Seance
from gouvernance.services import GouvernanceError, decisions, seances
from tests.course import exiger_postgres
from tests.gouvernance.conftest import noter

pytestmark = pytest.mark.django_db(transaction=True)
N = 6


@pytest.fixture
def prete(cogerance, par, cogerants, monkeypatch):
    noter(cogerance, par, Claude="present", Martine="present", Mamadou="present")
    seances.modifier_seance(
        seance=cogerance, par=par, president=cogerants[0], secretaire=cogerants[1]
    )
    # The PDF is not what is raced here: a stand-in that says what the minutes hold.
    monkeypatch.setattr(
        seances.rendu,
        "pv_pdf",
        lambda contexte: f"%PDF {sorted(d.titre for d in contexte['decisions'])}".encode(),
    )
    return cogerance


def _course(course, prete, par, ecrire):
    def fil(i):
        if i == 0:
            return seances.approuver(seance=prete, par=par).numero
        return ecrire(i)

    return course.lancer(fil, n=N)


def test_approuver_pendant_que_d_autres_notent_des_decisions(course, prete, par):
    exiger_postgres("La course se joue sur PostgreSQL (verrou de ligne de la séance).")

    def noter_decision(i):
        return decisions.enregistrer_decision(
            seance=prete,
            titre=f"Décision {i}",
            texte="Prise pendant l'approbation.",
            categorie="autre",
            vote=decisions.Vote.consensus(),
            par=par,
        ).titre

    resultats = _course(course, prete, par, noter_decision)

    assert resultats[0] == "PV2015-0001", resultats
    notees = [r for r in resultats[1:] if isinstance(r, str)]
    refusees = [r for r in resultats[1:] if not isinstance(r, str)]
    assert all(isinstance(r, GouvernanceError) and "approuvé" in str(r) for r in refusees), refusees
    pdf, titres, sans_reference = course.lire(
        lambda: (
            bytes(Seance.objects.get(pk=prete.pk).document.contenu).decode(),
            sorted(Decision.objects.filter(seance=prete).values_list("titre", flat=True)),
            Decision.objects.filter(seance=prete, reference__isnull=True).count(),
        )
    )
    # What was written before the approval is in the minutes, and nothing after it.
    assert titres == sorted(notees)
    assert pdf == f"%PDF {titres}"
    assert sans_reference == 0


def test_approuver_pendant_qu_on_modifie_le_proces_verbal(course, prete, par):
    exiger_postgres("La course se joue sur PostgreSQL (verrou de ligne de la séance).")

    def rediger(i):
        seances.modifier_seance(seance=prete, par=par, debats=f"Version {i}")
        return f"Version {i}"

    resultats = _course(course, prete, par, rediger)

    assert resultats[0] == "PV2015-0001", resultats
    assert all(
        isinstance(r, str) or (isinstance(r, GouvernanceError) and "approuvé" in str(r))
        for r in resultats[1:]
    ), resultats
    statut, debats = course.lire(
        lambda: Seance.objects.values_list("statut", "debats").get(pk=prete.pk)
    )
    assert statut == "approuvee"
    assert debats == "" or debats in resultats
