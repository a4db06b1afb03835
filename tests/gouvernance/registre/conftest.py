"""La SCIC de test : des structures partenaires associées, leur capital, la date du jour
figée au 1er mars 2016 (les mouvements de 2014 et 2015 sont passés)."""

import datetime
import html
import re
from decimal import Decimal

import pytest

from gouvernance.models import Associe, DemandeRetrait, Mandat, MouvementCapital, PosteDedie
from gouvernance.services import capital, registre
from habitants.models import Structure
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal
from tests.espaces.views_fixtures import paris

d = datetime.date
AUJOURD_HUI = paris(2016, 3, 1, 10)
SYSTEME = Acteur.systeme("test")
CREATION = d(2014, 6, 1)
ARRIVEE = d(2010, 1, 1)


@pytest.fixture(autouse=True)
def _aujourd_hui(time_machine):
    time_machine.move_to(AUJOURD_HUI, tick=False)


def structure(nom: str, *, arrivee=ARRIVEE, **extra) -> Structure:
    slug = nom.lower().replace(" ", "-")
    return Structure.objects.create(nom=nom, slug=slug, arrivee=arrivee, **extra)


def associe_structure(s: Structure, *, entree=CREATION, categorie="beneficiaires", **kw):
    return registre.admettre_associe(
        structure=s,
        representant_nom=kw.pop("representant_nom", f"Représentant de {s.nom}"),
        categorie=categorie,
        entree=entree,
        par=SYSTEME,
        **kw,
    )


def euros(valeur) -> Decimal:
    return Decimal(valeur).quantize(Decimal("0.01"))


def lisible(texte: str) -> str:
    """Le texte comme on le lit : sans balises, entités HTML décodées, espaces insécables
    (euros, milliers) en espaces simples."""
    texte = html.unescape(re.sub(r"<[^>]+>", "", texte))
    return texte.replace("\u202f", " ").replace("\xa0", " ")


def etat_base() -> dict:
    """Tout ce que la gouvernance écrit, et le journal : un refus n'y change rien."""
    modeles = [Associe, Mandat, MouvementCapital, DemandeRetrait, PosteDedie, EntreeJournal]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in modeles}


@pytest.fixture
def halage(structure_a):
    """Halage, la structure A des personas (référent·e et membre : referent_a, membre_a)."""
    return structure_a


@pytest.fixture
def solibio(db):
    return structure("Solibio")


@pytest.fixture
def halage_associee(halage):
    return associe_structure(halage)


@pytest.fixture
def capital_de_base(halage, solibio):
    """Deux associées fondatrices : Halage 10 parts payées, Solibio 5 parts dont 200 € versés."""
    a = associe_structure(halage)
    b = associe_structure(solibio)
    capital.souscrire(associe=a, date=d(2014, 6, 1), parts=10, libere=Decimal(1000), par=SYSTEME)
    capital.souscrire(associe=b, date=d(2014, 6, 1), parts=5, libere=Decimal(200), par=SYSTEME)
    return a, b
