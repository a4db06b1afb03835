# PHARES — deux commandes : `make run` et `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo shows what production shows: the site's own 403/404/500 pages, not Django's
# technical ones (whitenoise and a media route still serve files outside production).
# `make run DEBUG=true` brings the technical pages back when debugging.
DEBUG ?= false
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install migrate demo lint format audit check-deploy check-production check-topologie serve clean messages backup restore

## make run : installe, migre SQLite, charge la démo 2015, sert sur http://127.0.0.1:8000
## avec, à côté, le processus des tâches de fond (émission d'un mois de factures)
run: install migrate
	@$(PY) manage.py demo || echo "(démo non rechargée : la base contient d'autres données ; 'manage.py demo --force' pour l'imposer)"
	DEBUG=$(DEBUG) bin/servir $(HOST):$(PORT)

## make test : toute la suite (unitaires, vues, permissions, navigateur), partagée entre
## TEST_WORKERS processus (pytest-xdist, un par cœur de la CI ; chacun sa base de test).
## `make test TEST_WORKERS=0` la fait tourner dans un seul processus.
TEST_WORKERS ?= 2
test: install
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

install: $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: install
	$(PY) manage.py demo

serve: install
	DEBUG=$(DEBUG) bin/servir $(HOST):$(PORT)

## make backup : une archive var/sauvegardes/phares-AAAAMMJJ-HHMMSS.tar (base, médias,
## manifeste des empreintes et des lignes) ; GARDER=N ne garde que les N plus récentes
backup: install
	$(PY) manage.py sauvegarder $(if $(GARDER),--garder $(GARDER))

## make restore ARCHIVE=… : vérifie l'archive puis la restaure dans une base vide ;
## FORCE=1 vide d'abord une base qui a des tables
restore: install
	@test -n "$(ARCHIVE)" || { echo "Indiquez l'archive : make restore ARCHIVE=var/sauvegardes/phares-….tar"; exit 2; }
	$(PY) manage.py restaurer "$(ARCHIVE)" $(if $(filter 1 true oui yes,$(FORCE)),--force)

## catalogue français : locale/fr/LC_MESSAGES/django.po -> django.mo (versionné)
messages: install
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=.tools

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

## make audit : vulnérabilités connues des paquets verrouillés (pip-audit sur uv.lock) et
## relecture du code (bandit) ; exceptions acceptées dans audit/exceptions.toml, avec
## raison et date d'expiration. Sans accès à la base des vulnérabilités, le dit et ne
## bloque que sur les trouvailles ; AUDIT_STRICT=1 bloque aussi dans ce cas.
audit: install
	UV=$(UV) $(PY) -m audit.verifier

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: install
	PHARES_ENV=production SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=phares.example.org PHARES_URL=https://phares.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

## make check-production : migrate, collectstatic, gunicorn et curl sur une base PostgreSQL neuve
check-production: install
	bin/verifier-production

## make check-topologie : nginx (TLS) devant deux instances gunicorn et un db_worker, sur une
## base PostgreSQL neuve ; connexion, réservation, limites et tâche de fond à travers elles
check-topologie: install
	bin/verifier-topologie

clean:
	rm -rf $(VENV) $(TOOLS) var/staticfiles
