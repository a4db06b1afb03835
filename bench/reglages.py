"""Réglages des bancs d'essai HTTP (bench/pages.py, bench/soak.py) : ceux de PHARES, lus
dans l'environnement comme en production, avec une table d'adresses à soi (bench/urls.py)
qui ajoute la page plancher. Rien d'autre ne change : le plancher paie le même
intergiciel, la même session et la même mise en page que les pages mesurées."""

from phares.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
