"""La commande demo dans une base vide ou déjà occupée : ce qu'elle refuse, et qu'elle ne
laisse rien à moitié écrit."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from habitants import demo as habitants_demo
from habitants.models import Structure

pytestmark = pytest.mark.django_db

User = get_user_model()
d = datetime.date


def run_demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def test_an_edited_table_that_breaks_the_totals_is_refused(monkeypatch):
    monkeypatch.setitem(habitants_demo.CHIFFRES_2015, "halage", (19, 95, 1, 6))
    with pytest.raises(CommandError, match="emplois_permanents : total 72"):
        run_demo()
    assert Structure.objects.count() == 0


def test_refuses_a_database_with_real_data_unless_forced():
    User.objects.create_user(email="vraie.personne@exemple.fr", password="x" * 12)
    with pytest.raises(CommandError, match="--force"):
        run_demo()
    assert Structure.objects.count() == 0

    run_demo(force=True)
    assert Structure.objects.count() == 20
    assert User.objects.filter(email="vraie.personne@exemple.fr").exists()


def test_a_forced_load_that_conflicts_with_real_data_changes_nothing():
    Structure.objects.create(nom="HALAGE", slug="halage-reel")
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        run_demo(force=True)
    assert list(Structure.objects.values_list("slug", flat=True)) == ["halage-reel"]
    assert not User.objects.exists()


def test_a_real_structure_also_counts_as_real_data():
    Structure.objects.create(nom="Une vraie structure", slug="une-vraie-structure")
    with pytest.raises(CommandError, match="--force"):
        run_demo()
