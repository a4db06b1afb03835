"""Journaux techniques en JSON, un objet par ligne sur la sortie standard : ce que lisent
journald, Loki, CloudWatch ou `jq` sans expression régulière.

Chaque ligne : `time` (UTC, ISO 8601), `level`, `logger`, `message`, puis les champs passés
en `extra=` (request_id, path, status, duration_ms, user_id…) et `exception` s'il y en a une.
Les lignes d'accès de gunicorn (logger `gunicorn.access`) gardent leurs champs à part
(méthode, chemin, statut, durée, identifiant de requête) au lieu d'une phrase à découper.
"""

from __future__ import annotations

import datetime
import json
import logging

# Attributes every LogRecord has: anything else was passed through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

# gunicorn's access atoms (see its `access_log_format` documentation) -> our field names.
_ACCES = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ligne = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            ligne.update(self._acces(record.args))
        ligne["message"] = record.getMessage()
        for cle, valeur in vars(record).items():
            if cle not in _STANDARD and not cle.startswith("_"):
                ligne[cle] = valeur
        if record.exc_info:
            ligne["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            ligne["exception"] = record.exc_text
        if record.stack_info:
            ligne["stack"] = self.formatStack(record.stack_info)
        return json.dumps(ligne, ensure_ascii=False, default=str)

    @staticmethod
    def _acces(atomes: dict) -> dict:
        champs = {nom: atomes.get(atome) for atome, nom in _ACCES.items()}
        champs = {k: v for k, v in champs.items() if v not in (None, "", "-")}
        if str(champs.get("status", "")).isdigit():
            champs["status"] = int(champs["status"])
        if "B" in atomes and isinstance(atomes["B"], int):
            champs["bytes"] = atomes["B"]
        if isinstance(atomes.get("D"), int):  # microseconds
            champs["duration_ms"] = round(atomes["D"] / 1000, 1)
        return champs


class SansSondes(logging.Filter):
    """Écarte les lignes d'accès des sondes de santé réussies (une par seconde et par
    répartiteur) ; une sonde en échec reste au journal."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "gunicorn.access" or not isinstance(record.args, dict):
            return True
        chemin = record.args.get("U") or ""
        return not (chemin.startswith("/sante/") and str(record.args.get("s")) == "200")
