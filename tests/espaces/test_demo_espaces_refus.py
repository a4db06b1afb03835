"""Une table de démonstration du bâtiment modifiée qui ne redonne plus le rapport est
refusée, et rien n'est écrit."""

import io

import pytest
from django.core.management import CommandError, call_command

from espaces import demo as espaces_demo
from espaces.demo import batiment as demo_batiment
from espaces.models import Espace
from habitants.models import Structure

pytestmark = pytest.mark.django_db


def test_an_edited_table_that_breaks_the_report_is_refused(monkeypatch):
    sans_un_bureau = tuple(p for p in espaces_demo.ESPACES if p.slug != "bureau-16")
    monkeypatch.setattr(demo_batiment, "ESPACES", sans_un_bureau)
    with pytest.raises(CommandError, match="15 bureaux privatifs, le rapport en compte 16"):
        call_command("demo", stdout=io.StringIO())
    assert not Structure.objects.exists() and not Espace.objects.exists()
