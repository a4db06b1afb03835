"""Numéros légaux sans trou ni doublon, même quand des émissions se font en même temps ou
échouent ; verrous applicatifs qui sérialisent un quota."""

import time

import pytest
from django.db import transaction

from phares.lib import numerotation, verrous
from phares.models import Compteur
from tests.course import exiger_postgres


def prendre(serie="F", annee=2015):
    with transaction.atomic():
        return numerotation.prochain_numero(serie, annee)


def test_les_numeros_se_suivent_par_serie_et_par_annee(db):
    assert [prendre() for _ in range(3)] == [1, 2, 3]
    assert prendre("AV") == 1
    assert prendre("F", 2016) == 1
    assert prendre() == 4


def test_une_emission_annulee_rend_son_numero(db):
    prendre()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numerotation.prochain_numero("F", 2015) == 2
        raise RuntimeError("le PDF n'a pas pu être produit")
    assert prendre() == 2


@pytest.mark.django_db(transaction=True)
def test_hors_transaction_c_est_refuse():
    with pytest.raises(RuntimeError, match="transaction"):
        numerotation.prochain_numero("F", 2015)


def test_le_format_legal():
    assert numerotation.formater("F", 2015, 1) == "F2015-0001"
    assert numerotation.formater("AV", 2016, 12345) == "AV2016-12345"


@pytest.mark.django_db(transaction=True)
def test_douze_emissions_simultanees_donnent_1_a_12(course):
    """De vraies connexions PostgreSQL (SQLite : copie fichier, BEGIN IMMEDIATE)."""
    resultats = course.lancer(lambda i: prendre("F", 2026), n=12)
    assert sorted(resultats) == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_des_emissions_qui_echouent_en_pleine_course_ne_laissent_pas_de_trou(course):
    def emettre(i):
        with transaction.atomic():
            n = numerotation.prochain_numero("F", 2026)
            if i % 3 == 0:  # 4 of 12 fail after taking a number
                raise RuntimeError(f"échec {n}")
            return n

    resultats = course.lancer(emettre, n=12)
    gardes = sorted(r for r in resultats if isinstance(r, int))
    assert gardes == list(range(1, 9))
    assert course.lire(lambda: Compteur.objects.get(serie="F", annee=2026).dernier) == 8


@pytest.mark.django_db(transaction=True)
def test_un_verrou_serialise_lire_puis_ecrire(course):
    """Sans verrou, dix « lire, attendre, écrire » simultanés perdent des mises à jour."""
    exiger_postgres("Verrous consultatifs : PostgreSQL (SQLite sérialise déjà tout).")
    Compteur.objects.create(serie="Q", annee=2026, dernier=0)

    def incrementer(i):
        with transaction.atomic():
            verrous.verrouiller("quota:test")
            valeur = Compteur.objects.get(serie="Q", annee=2026).dernier
            time.sleep(0.02)
            Compteur.objects.filter(serie="Q", annee=2026).update(dernier=valeur + 1)

    assert course.lancer(incrementer, n=10) == [None] * 10
    assert Compteur.objects.get(serie="Q", annee=2026).dernier == 10


@pytest.mark.django_db(transaction=True)
def test_verrouiller_hors_transaction_est_refuse():
    with pytest.raises(RuntimeError):
        verrous.verrouiller("x")
