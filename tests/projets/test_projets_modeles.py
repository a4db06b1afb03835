"""Les règles que la base garde elle-même, quel que soit le chemin d'écriture."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from habitants.projets.models import Axe, EmploiMutualise, PartEmploi, Partenaire, Subvention


@pytest.mark.django_db
def test_la_migration_cree_les_trois_axes_du_phares():
    # Another test may have flushed the table (transactional tests): run the migration's
    # function on an empty table, as `migrate` does on a new database.
    import importlib

    from django.apps import apps

    Axe.objects.all().delete()
    importlib.import_module("habitants.projets.migrations.0002_axes").creer_axes(apps, None)
    assert list(Axe.objects.values_list("numero", flat=True)) == [1, 2, 3]
    assert Axe.objects.get(numero=3).titre == "Être un pôle apprenant et un pôle ressources"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "champs",
    [
        {"montant_demande": Decimal("-1")},
        {"debut": datetime.date(2016, 1, 1), "fin": datetime.date(2015, 12, 31)},
        {"montant_accorde": Decimal("100"), "montant_recu": Decimal("101")},
        {"montant_accorde": None, "montant_recu": Decimal("1")},
    ],
)
def test_une_subvention_incoherente_est_refusee_par_la_base(champs):
    etat = Partenaire.objects.create(nom="État", categorie="etat")
    valeurs = {
        "financeur": etat,
        "intitule": "Fonctionnement",
        "montant_demande": Decimal("1000"),
        "montant_accorde": Decimal("1000"),
        "debut": datetime.date(2014, 1, 1),
        "fin": datetime.date(2016, 12, 31),
        **champs,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Subvention.objects.create(**valeurs)
    assert not Subvention.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pourcentage", [Decimal("0"), Decimal("100.01"), Decimal("-5")])
def test_une_part_hors_bornes_est_refusee_par_la_base(structure_a, pourcentage):
    emploi = EmploiMutualise.objects.create(
        intitule="CIP", etp=Decimal("1"), debut=datetime.date(2015, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PartEmploi.objects.create(emploi=emploi, structure=structure_a, pourcentage=pourcentage)
