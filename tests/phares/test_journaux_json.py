"""Journaux techniques en JSON sur la sortie standard : ce qu'un hébergeur lit avec jq, et
une ligne par requête qui dit qui (l'id, jamais l'e-mail), quoi, combien de temps."""

import json
import logging
import sys

import pytest

from phares.lib.jsonlog import JsonFormatter, SansSondes
from tests.conftest import client_as
from tests.phares.test_settings import manage, production_env


def record(name="phares.essai", msg="bonjour %s", args=("Anne",), **extra):
    r = logging.LogRecord(name, logging.WARNING, __file__, 12, msg, args, None)
    for k, v in extra.items():
        setattr(r, k, v)
    return r


def test_une_ligne_json_avec_les_champs_passes():
    ligne = JsonFormatter().format(record(request_id="abc123", status=200))
    assert "\n" not in ligne
    donnees = json.loads(ligne)
    assert donnees["level"] == "WARNING"
    assert donnees["logger"] == "phares.essai"
    assert donnees["message"] == "bonjour Anne"
    assert donnees["time"].endswith("+00:00")
    assert (donnees["request_id"], donnees["status"]) == ("abc123", 200)


def test_une_exception_tient_sur_la_meme_ligne():
    try:
        raise ZeroDivisionError("division par zéro")
    except ZeroDivisionError:
        r = record()
        r.exc_info = sys.exc_info()
    ligne = JsonFormatter().format(r)
    assert len(ligne.splitlines()) == 1
    assert "ZeroDivisionError" in json.loads(ligne)["exception"]


def test_ligne_d_acces_de_gunicorn_en_champs():
    # What gunicorn's Logger.access passes: the format string and its atoms.
    atomes = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/reservations/",
        "q": "",
        "s": "302",
        "B": 0,
        "D": 12345,
        "a": "curl/8",
        "{x-request-id}o": "f00dcafe42",
    }
    r = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(m)s %(U)s %(s)s", (), None)
    r.args = atomes
    donnees = json.loads(JsonFormatter().format(r))
    assert donnees["message"] == "GET /reservations/ 302"
    assert donnees["method"] == "GET"
    assert donnees["path"] == "/reservations/"
    assert donnees["status"] == 302
    assert donnees["duration_ms"] == 12.3
    assert donnees["request_id"] == "f00dcafe42"
    assert "query" not in donnees


@pytest.mark.django_db
def test_une_ligne_par_requete_avec_l_id_de_la_personne(settings, caplog, gestion):
    settings.LOG_REQUESTS = True
    client = client_as(gestion)
    with caplog.at_level(logging.INFO, logger="phares.requetes"):
        response = client.get("/reservations/")
    (r,) = [r for r in caplog.records if r.name == "phares.requetes"]
    assert r.status == response.status_code == 200
    assert r.method == "GET" and r.path == "/reservations/"
    assert r.user_id == gestion.pk
    assert r.request_id == response["X-Request-ID"]
    assert r.duration_ms >= 0
    ligne = JsonFormatter().format(r)
    assert gestion.email not in ligne


@pytest.mark.django_db
def test_sans_compte_pas_d_id(settings, caplog, client):
    settings.LOG_REQUESTS = True
    with caplog.at_level(logging.INFO, logger="phares.requetes"):
        client.get("/page-qui-n-existe-pas/")
    (r,) = [r for r in caplog.records if r.name == "phares.requetes"]
    assert (r.status, r.user_id) == (404, None)


def test_sans_log_requests_pas_de_ligne(settings, caplog, client):
    settings.LOG_REQUESTS = False
    with caplog.at_level(logging.INFO, logger="phares.requetes"):
        client.get("/sante/")
    assert [r for r in caplog.records if r.name == "phares.requetes"] == []


def test_en_production_les_journaux_sont_du_json_sur_stdout(tmp_path):
    code = "import logging; logging.getLogger('phares.essai').warning('bonjour %s', 'Anne')"
    result = manage(tmp_path, "shell", "-c", code, **production_env())
    assert result.returncode == 0, result.stderr
    donnees = json.loads(result.stdout.strip().splitlines()[-1])
    assert (donnees["level"], donnees["logger"]) == ("WARNING", "phares.essai")
    assert donnees["message"] == "bonjour Anne"


def test_log_format_text_en_production(tmp_path):
    code = "import logging; logging.getLogger('phares.essai').warning('bonjour')"
    result = manage(tmp_path, "shell", "-c", code, **production_env(LOG_FORMAT="text"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith("WARNING phares.essai bonjour")


@pytest.mark.parametrize(
    ("chemin", "statut", "garde"),
    [
        ("/sante/pret/", "200", False),
        ("/sante/pret/", "503", True),
        ("/reservations/", "200", True),
    ],
)
def test_les_sondes_reussies_ne_remplissent_pas_le_journal_d_acces(chemin, statut, garde):
    r = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(U)s", (), None)
    r.args = {"U": chemin, "s": statut}
    assert SansSondes().filter(r) is garde
