"""Personas partagés par toutes les suites : staff gestion, comptable, habitant A
(référent et membre), habitant B, cogérant, associé, anonyme."""

import datetime
import io
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from hypothesis import settings as hypothesis_settings

from habitants.models import Domaine, Membre, Structure
from habitants.projets.models import Axe

PASSWORD = "mot-de-passe-de-test-42"

# The property tests compute (no I/O); on a shared 2-core machine one example can take more
# than Hypothesis's 200 ms deadline and fail a correct test: no deadline.
hypothesis_settings.register_profile("phares", deadline=None)
hypothesis_settings.load_profile("phares")

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
def _media_in_tmp(request, settings, tmp_path):
    if "demo_2015" in request.fixturenames:
        # The shared demo's photos live in its own folder, for the whole module.
        settings.MEDIA_ROOT = request.getfixturevalue("demo_2015").media
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _defi_facile(settings):
    """The public form's proof of work at 4 bits (16 tries on average): tests post it often.
    tests/browser/test_parcours_defi.py keeps the production difficulty."""
    settings.PHARES_DEFI_BITS = 4


def preuve_de_travail(**extra) -> dict:
    """Ce que le navigateur joint au formulaire public (static/js/defi.js) : un défi émis il
    y a une minute et sa preuve. Un par envoi : un défi ne sert qu'une fois."""
    from phares.lib import defis

    defi = defis.emettre(now=time.time() - 60)
    return {"defi": defi.jeton, "preuve": defis.resoudre(defi.jeton, defi.bits), **extra}


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
def django_db_modify_db_settings(request):
    """Une base de test PostgreSQL par copie du projet : deux copies (branches de travail,
    CI) qui testent en même temps sur le même serveur ne s'effacent pas leur base de test
    (pytest-django supprime sans demander une base de test du même nom). Et une par
    processus de pytest-xdist (`make test` en lance plusieurs) : `…_gw0`, `…_gw1`.

    Sans connexions persistantes : le serveur des tests navigateur sert chaque connexion
    HTTP gardée ouverte par chromium dans un fil, qui garderait aussi la sienne à la base
    jusqu'après la suppression de celle-ci."""
    import hashlib
    from pathlib import Path

    from django.conf import settings

    suffixe = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
    processus = getattr(request.config, "workerinput", {}).get("workerid")
    if processus:
        suffixe += f"_{processus}"
    for reglages in settings.DATABASES.values():
        reglages["CONN_MAX_AGE"] = 0
        if reglages["ENGINE"] == "django.db.backends.postgresql":
            test = reglages.setdefault("TEST", {})
            test["NAME"] = f"test_{reglages['NAME']}_{suffixe}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with one more step before it is dropped: PostgreSQL
    refuses to drop a database another session still uses, and pytest-django then fails
    the run's last test ("is being accessed by other users"). Such a session is a thread
    a test started (a race, a live server's request handler) whose connection the
    thread's end did not close; nothing runs on it any more, so ending it is safe, and
    which it was is logged so that the test can be mended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 200),"
            " pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for ligne in cursor.fetchall():
            logging.getLogger("tests").warning("Session restée ouverte, terminée : %s", ligne)
    connection.close()


AXES = [
    (1, "Accueillir et soutenir les habitants du PHARES", "Accueillir et soutenir les habitants"),
    (2, "Encourager des projets issus de la coopération", "Encourager la coopération"),
    (3, "Être un pôle apprenant et un pôle ressources", "Pôle apprenant et ressources"),
]


def axe(numero: int) -> Axe:
    """L'axe `numero` : créé par la migration, mais un test transactionnel (navigateur,
    courses) vide la base derrière lui ; on le recrée alors."""
    _, titre, court = AXES[numero - 1]
    return Axe.objects.get_or_create(
        numero=numero, defaults={"titre": titre, "titre_court": court}
    )[0]


@pytest.fixture
def axes(db):
    """Les trois axes (créés par la migration ; les tests transactionnels les effacent,
    d'où get_or_create)."""
    return [
        Axe.objects.get_or_create(numero=n, defaults={"titre": t, "titre_court": c})[0]
        for n, t, c in AXES
    ]


def code_totp(secret: str) -> str:
    """The authenticator app's current code, never one about to expire.

    A code typed in the last seconds of its 30-second step reaches the server in the next
    step, where allauth (no tolerance) refuses it: a test would then fail once in ten runs.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    reste = 30 - time.time() % 30
    if reste < 5:
        time.sleep(reste + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@dataclass(frozen=True)
class Demo:
    sortie: str  # what `manage.py demo` printed
    media: Path  # MEDIA_ROOT of its generated photos


@pytest.fixture(scope="module")
def demo_2015(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 2015 demo (without the ledger's PDFs), loaded once for a whole test module.

    Loading it takes 10 to 30 s: a module of tests that only read it shares one load. It is
    loaded inside a transaction that is rolled back after the module; each test runs in a
    savepoint inside it (pytest-django's `db`), so what a test writes is gone for the next.
    A module uses it for all its tests or none (`pytestmark = pytest.mark.usefixtures(
    "demo_2015")`): a test of the same module without it would still see the demo.
    """
    from django.core.management import call_command
    from django.test.utils import override_settings

    from espaces.facturation import demo as facturation_demo

    media = tmp_path_factory.mktemp("media-demo")
    sortie = io.StringIO()
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": IMMEDIATE}},
        ),
    ):
        patch.setattr(facturation_demo, "MOIS_EMIS", ())
        bloc = transaction.atomic()
        bloc.__enter__()
        try:
            call_command("demo", stdout=sortie)
            # What the command's commit would have run (e-mails, tasks): run it now.
            connexion = transaction.get_connection()
            attente, connexion.run_on_commit = connexion.run_on_commit, []
            for _, func, _robust in attente:
                func()
            yield Demo(sortie=sortie.getvalue(), media=media)
        finally:
            transaction.set_rollback(True)
            bloc.__exit__(None, None, None)
