"""Courses réelles : des fils partent ensemble (threading.Barrier), chacun avec sa propre
connexion à la base.

PostgreSQL : la course tourne sur la base de test (tests transactionnels). SQLite : la base
de test de pytest-django est en mémoire partagée (« cache=shared »), où un écrivain bloqué
échoue aussitôt (« database table is locked ») au lieu d'attendre : la course tourne donc
sur une copie fichier de la base, ouverte avec les OPTIONS de production (BEGIN IMMEDIATE,
WAL, timeout), qui sérialisent vérification et écriture.
"""

import os
import sqlite3
import threading

import pytest
from django.db import connection, connections

FILS = 20


def exiger_postgres(raison: str = "Contraintes d'exclusion : PostgreSQL seulement (DATABASE_URL)."):
    if connection.vendor == "postgresql":
        return
    if os.environ.get("CI") and os.environ.get("DATABASE_URL"):
        pytest.fail("En CI avec DATABASE_URL, ces tests doivent tourner sur PostgreSQL.")
    pytest.skip(raison)


class Course:
    """Lance une fonction dans n fils à la fois, chacun avec sa connexion à la base."""

    def __init__(self, fichier_sqlite):
        self.fichier = fichier_sqlite
        self.reglages = None

    def _preparer(self):
        if connection.vendor != "sqlite" or self.reglages is not None:
            return
        # Copy the committed in-memory test database (fixtures included) to a file.
        connection.ensure_connection()
        cible = sqlite3.connect(self.fichier)
        try:
            connection.connection.backup(cible)
            # As in production, the file is already in WAL mode when workers connect;
            # 20 connections racing to switch it would fail with "database is locked".
            cible.execute("PRAGMA journal_mode=WAL")
        finally:
            cible.close()
        self.wrapper = type(connections["default"])
        self.reglages = {**connection.settings_dict, "NAME": str(self.fichier)}

    def _connecter(self):
        if self.reglages is not None:
            # Per-thread override: the main thread keeps the in-memory test database.
            connections["default"] = self.wrapper(dict(self.reglages), "default")
        connections["default"].ensure_connection()

    def lancer(self, fonction, n=FILS) -> list:
        """Résultat de fonction(i) pour chaque fil, ou l'exception qu'il a levée."""
        self._preparer()
        barriere = threading.Barrier(n)
        resultats: list = [None] * n

        def fil(i):
            try:
                try:
                    self._connecter()
                except Exception:
                    barriere.abort()  # the others need not wait for the timeout
                    raise
                barriere.wait(timeout=10)
                resultats[i] = fonction(i)
            except Exception as exc:
                resultats[i] = exc
            finally:
                connections.close_all()

        fils = [threading.Thread(target=fil, args=(i,)) for i in range(n)]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=30)
        assert not any(f.is_alive() for f in fils)
        return resultats

    def lire(self, fonction):
        """Relit la base où la course a eu lieu."""
        if self.reglages is None:
            return fonction()
        (resultat,) = self.lancer(lambda _: fonction(), n=1)
        if isinstance(resultat, Exception):
            raise resultat
        return resultat
