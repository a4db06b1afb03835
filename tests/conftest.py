"""Personas partagés par toutes les suites : staff gestion, comptable, habitant A
(référent et membre), habitant B, cogérant, associé, anonyme."""

import datetime
import logging
import os

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from habitants.models import Domaine, Membre, Structure

PASSWORD = "mot-de-passe-de-test-42"

# Browser tests drive a live server from the test process's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_vide():
    """allauth counts sign-in attempts in the cache (per address, per user id): ids come
    back from one test to the next, so counters must not outlive a test, in any suite."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _demo_sans_grand_livre(request, monkeypatch):
    """The demo's 2015 ledger renders ~200 Factur-X PDFs (about 45 s): tests that load the
    demo for something else skip it; tests marked `grand_livre` load it (CI's fresh-demo
    step, `make run`, always do)."""
    if request.node.get_closest_marker("grand_livre") is None:
        from espaces.facturation import demo

        monkeypatch.setattr(demo, "MOIS_EMIS", ())


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _taches_immediates(settings):
    """Les tâches de fond tournent tout de suite, dans le test : les services les mettent
    en file après validation (`transaction.on_commit`, exécuté par le crochet plus bas),
    la tâche s'exécute alors et le test relit la base. `tests/facturation/test_lots.py`
    fait tourner la file en base et son processus (`db_worker`) pour de vrai."""
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}


def make_user(email, *, groups=(), first_name="", last_name="", **extra):
    from allauth.account.models import EmailAddress

    from phares.models import User

    user = User.objects.create_user(
        email=email, password=PASSWORD, first_name=first_name, last_name=last_name, **extra
    )
    for name in groups:
        # get_or_create: transactional (browser) tests flush the data migration away.
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def domaine(db):
    return Domaine.objects.create(nom="Insertion sociale et professionnelle", ordre=1)


@pytest.fixture
def structure_a(domaine):
    return Structure.objects.create(
        nom="Halage",
        slug="halage",
        domaine=domaine,
        arrivee=datetime.date(2010, 1, 1),
        description="Solidarité et environnement.",
        email_contact="contact@halage.test",
    )


@pytest.fixture
def structure_b(domaine):
    return Structure.objects.create(
        nom="Mode Estime",
        slug="mode-estime",
        domaine=domaine,
        arrivee=datetime.date(2012, 3, 1),
        description="Création textile.",
    )


@pytest.fixture
def gestion(db):
    return make_user(
        "gestion@phares.test", groups=["gestion"], first_name="Anne", last_name="Hurand"
    )


@pytest.fixture
def comptable(db):
    return make_user("compta@phares.test", groups=["comptabilité"], first_name="Camille")


def membre_de(structure, email, *, role=Membre.Role.MEMBRE, **names):
    """Une personne membre de `structure` depuis le 1er janvier 2015."""
    user = make_user(email, **names)
    Membre.objects.create(
        user=user, structure=structure, role=role, debut=datetime.date(2015, 1, 1)
    )
    return user


@pytest.fixture
def referent_a(structure_a):
    return membre_de(
        structure_a,
        "referent@halage.test",
        role=Membre.Role.REFERENT,
        first_name="Rémi",
        last_name="Référent",
    )


@pytest.fixture
def membre_a(structure_a):
    return membre_de(structure_a, "membre@halage.test", first_name="Maud", last_name="Membre")


@pytest.fixture
def habitant_b(structure_b):
    return membre_de(
        structure_b,
        "referent@modeestime.test",
        role=Membre.Role.REFERENT,
        first_name="Bea",
        last_name="Autre",
    )


@pytest.fixture
def cogerant(structure_b):
    from gouvernance.models import Mandat

    user = membre_de(structure_b, "cogerant@phares.test", first_name="Claude", last_name="Cogérant")
    Mandat.objects.create(personne=user, debut=datetime.date(2014, 6, 1))
    return user


@pytest.fixture
def associe(structure_b):
    from gouvernance.models import Associe

    user = make_user("associe@phares.test", first_name="Alix", last_name="Associé")
    Associe.objects.create(
        personne=user, categorie=Associe.Categorie.SALARIES, entree=datetime.date(2014, 6, 1)
    )
    return user


PERSONAS = [
    "anonyme",
    "gestion",
    "comptable",
    "referent_a",
    "membre_a",
    "habitant_b",
    "cogerant",
    "associe",
]


@pytest.fixture
def personas(gestion, comptable, referent_a, membre_a, habitant_b, cogerant, associe):
    return {
        "anonyme": None,
        "gestion": gestion,
        "comptable": comptable,
        "referent_a": referent_a,
        "membre_a": membre_a,
        "habitant_b": habitant_b,
        "cogerant": cogerant,
        "associe": associe,
    }


def client_as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def course(tmp_path):
    """Des fils qui partent ensemble, chacun avec sa connexion (tests/course.py)."""
    from tests.course import Course

    return Course(tmp_path / "course.sqlite3")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Les rappels `transaction.on_commit` (e-mails…) partent comme en production.

    pytest-django enveloppe chaque test dans une transaction qu'il annule à la fin : sans
    rien faire, un service qui programme un e-mail « après validation » ne l'envoie jamais
    pendant le test. Ici, quand un bloc atomic() se termine sans erreur et que la connexion
    revient à la profondeur de la transaction du test, les rappels en attente s'exécutent :
    exactement ce que ferait la validation de ce bloc en production. Un bloc annulé
    (exception) oublie ses rappels, comme en production. Les tests transactionnels
    (transaction=True) et les fils des courses valident pour de vrai : rien à faire.
    """
    from django.db.transaction import Atomic

    # The real wrapper of this thread (django.db.connection is only a proxy to it).
    principale = transaction.get_connection()
    base = len(principale.atomic_blocks)
    original = Atomic.__exit__

    def exit_(self, exc_type, exc_value, traceback):
        result = original(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        if (
            exc_type is None
            and conn is principale
            and base
            and conn.in_atomic_block
            and len(conn.atomic_blocks) == base
            and not conn.needs_rollback
            and conn.run_on_commit
        ):
            attente, conn.run_on_commit = conn.run_on_commit, []
            for _, func, robust in attente:
                if not robust:
                    func()
                    continue
                try:
                    func()
                except Exception:  # what Django does with robust=True: log and go on
                    logging.getLogger("django.db.backends.base").exception("on_commit")
        return result

    Atomic.__exit__ = exit_
    try:
        return (yield)
    finally:
        Atomic.__exit__ = original


def acteur(user):
    """L'acteur que les services attendent pour `user` (une vue passe request.acteur)."""
    from phares.lib.acteur import Acteur

    return Acteur.personne(user)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Une base de test PostgreSQL par copie du projet : deux copies (branches de travail,
    CI) qui testent en même temps sur le même serveur ne s'effacent pas leur base de test
    (pytest-django supprime sans demander une base de test du même nom)."""
    import hashlib
    from pathlib import Path

    from django.conf import settings

    suffixe = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
    for reglages in settings.DATABASES.values():
        if reglages["ENGINE"] == "django.db.backends.postgresql":
            test = reglages.setdefault("TEST", {})
            test["NAME"] = f"test_{reglages['NAME']}_{suffixe}"
