"""Verrous applicatifs, pris dans une transaction et relâchés à sa fin.

Un quota (demandes en attente par adresse) ou un forfait (heures de salle d'une structure
pour un mois) se vérifie puis se consomme : sans verrou, deux requêtes simultanées lisent
le même reste et le dépassent ensemble. Sur PostgreSQL, un verrou consultatif de
transaction par clé sérialise les opérations d'une même clé (et seulement elles) ; sur
SQLite chaque transaction commence par BEGIN IMMEDIATE, donc toutes les écritures sont déjà
sérialisées.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def _cle64(cle: str) -> int:
    return int.from_bytes(hashlib.sha256(cle.encode()).digest()[:8], "big", signed=True)


def verrouiller(*cles: str) -> None:
    """Attend puis tient les verrous `cles` jusqu'à la fin de la transaction en cours."""
    if not connection.in_atomic_block:
        raise RuntimeError("verrouiller() s'appelle dans une transaction.")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Always the same order: two operations taking the same keys cannot deadlock.
        for cle in sorted(set(cles)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_cle64(cle)])
