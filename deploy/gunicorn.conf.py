"""Réglages de gunicorn pour PHARES, communs aux unités systemd, à l'image de conteneur et à
bin/verifier-topologie : `gunicorn -c deploy/gunicorn.conf.py phares.wsgi --bind …`.

Chaque instance (un port) a GUNICORN_WORKERS processus synchrones ; pour servir plus, on
ajoute des instances (phares-web@8003…) ou des workers, sans rien changer au code : elles ne
partagent que PostgreSQL (sessions, cache, file des tâches).
"""

import os


def _vrai(nom: str, defaut: bool) -> bool:
    valeur = os.environ.get(nom, "").strip().lower()
    return defaut if not valeur else valeur in {"1", "true", "yes", "on", "oui"}


wsgi_app = "phares.wsgi"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# An import of 50,000 rows takes up to ~50 s (README): nginx's proxy_read_timeout is the same.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# SIGTERM: requests under way get this long to finish (systemd's TimeoutStopSec is longer).
graceful_timeout = 30
# nginx keeps connections to the instances open (upstream keepalive).
keepalive = 15
# A worker is replaced after this many requests: memory growth cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Only nginx on the same host may set X-Forwarded-* (Django reads them: BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27 opens a control socket in the home folder; the service user has none.
control_socket_disable = True

# Logs on stdout: one JSON object per line in production (LOG_FORMAT, as in Django's settings).
production = os.environ.get("PHARES_ENV") == "production"
json_logs = os.environ.get("LOG_FORMAT", "json" if production else "text") == "json"
errorlog = "-"
accesslog = "-" if _vrai("GUNICORN_ACCESS_LOG", True) else None
# The JSON formatter keeps each atom as its own field; this is the human-readable message.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus %({x-request-id}o)s'
if json_logs:
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "phares.lib.jsonlog.JsonFormatter"}},
        "filters": {"sans_sondes": {"()": "phares.lib.jsonlog.SansSondes"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["sans_sondes"],
            }
        },
        # gunicorn merges this over its defaults, whose root logger names a "console" handler.
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
