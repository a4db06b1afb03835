"""Réglages de PHARES, pilotés par variables d'environnement (voir .env.example).

Par défaut : mode développement, SQLite sous var/. En production
(PHARES_ENV=production) DEBUG est coupé et SECRET_KEY / ALLOWED_HOSTS sont exigés.
"""

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PHARES_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui"}:
        return True
    if lowered in {"0", "false", "no", "off", "non"}:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} doit être un entier, pas {value!r}.") from exc


def env_decimal(name: str, default: Decimal) -> Decimal:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        result = Decimal(value.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} doit être un nombre décimal, pas {value!r}.") from exc
    if not result.is_finite():
        raise ImproperlyConfigured(f"{name} doit être un nombre décimal, pas {value!r}.")
    return result


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PHARES_ENV = env_str("PHARES_ENV", "development")
if PHARES_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PHARES_ENV doit valoir development ou production.")
PRODUCTION = PHARES_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG ne peut pas être activé en production.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire en production.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS est obligatoire en production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "phares",
    "habitants",
    "habitants.projets",
    "espaces",
    "espaces.facturation",
    "gouvernance",
    "rapports",
]

MIDDLEWARE = [
    # Health probes first: no session, no login, no https redirect, no Host check (sante.py).
    "phares.sante.SanteMiddleware",
    "phares.middleware.ActeurMiddleware",
    "phares.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "phares.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "phares.urls"
WSGI_APPLICATION = "phares.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "phares.context_processors.navigation",
            ],
            "builtins": ["phares.templatetags.phares"],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Base de données : SQLite embarquée par défaut, PostgreSQL via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL doit désigner une base PostgreSQL (postgres://…).")
    # A persistent connection is not pinged before each request (a `SELECT 1`, one round
    # trip, on every page): Django already drops one that failed, at the end of the
    # request. Where something between app and database cuts idle connections (a proxy,
    # a pooler's timeout), CONN_HEALTH_CHECKS=true turns the ping back on. See
    # docs/decisions.md, « Ce que paie chaque page ».
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", False)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "phares.sqlite3")),
            # Every atomic() begins with BEGIN IMMEDIATE: check-then-write is
            # serialised, which is how SQLite keeps the no-double-booking rule.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "phares.User"
SITE_ID = 1

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the signed-in person with their roles in one query
    # (phares/auth.py). Sessions opened under the former names sign in again once.
    "phares.auth.ModelBackend",
    "phares.auth.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("PHARES_FAST_PASSWORD_HASHER", False):
    # Tests only: the default hasher costs ~0.3 s a login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-allauth : connexion par e-mail, pas d'inscription libre (invitations).
ACCOUNT_ADAPTER = "phares.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PHARES] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PHARES"
# Failed sign-ins, TOTP codes included (allauth counts them under login_failed), are
# limited per client address and per account; /admin/login/ goes through the same form.
# Counters live in the cache: see CACHE_BACKEND below.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    # Per account (the address typed): each request mails a link; 3 an hour stops anyone
    # from flooding a mailbox through our form.
    "reset_password": "20/m/ip,3/h/key",
}
# Behind the TLS proxy every request comes from the proxy: the client address (per-IP
# limits) is then read from the X-Forwarded-For entry the proxy adds.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)

# Cache : compteurs de tentatives de connexion (allauth), limites des lectures publiques
# (phares/lib/limites.py) et codes TOTP déjà utilisés. La mémoire locale ne vaut que pour un
# processus : en production, plusieurs workers et plusieurs instances partagent la table
# `phares_cache` de PostgreSQL (CACHE_BACKEND=database, après `manage.py createcachetable`).
CACHE_BACKEND = env_str("CACHE_BACKEND", "database" if PRODUCTION else "locmem")
if CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "phares_cache",
            # Django counts the table on each write and culls a third of it, in key order,
            # above MAX_ENTRIES (300 by default): rate-limit counters and used challenges
            # (phares.lib.defis) must not be dropped by anyone filling it with keys. Expired
            # rows go first; this many live ones is far above use.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND doit valoir locmem ou database, pas {CACHE_BACKEND!r}."
    )

# Preuve de travail du formulaire public de demande de salle (phares/lib/defis.py) : D bits
# à zéro, 2**D empreintes SHA-256 en moyenne. 13 : 0,45 s en moyenne dans chromium sur la
# machine de développement (SubtleCrypto, ≈ 30 000 empreintes/s), 2 à 3 fois plus sur un
# téléphone ; de toute façon pendant que la personne remplit le formulaire.
PHARES_DEFI_BITS = env_int("PHARES_DEFI_BITS", 13)

# Tâches de fond (django-tasks, l'API de django.tasks de Django 6) : émettre un mois de
# factures, relancer. Par défaut la file est une table de la base (django-tasks-db), vidée
# par `manage.py db_worker` ; un autre moteur (Redis/RQ, Celery…) se choisit ici sans
# toucher au code. Les tests exécutent les tâches tout de suite (ImmediateBackend).
TASKS_BACKEND = env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Years and ids must not print as "2 015"; big numbers use |intcomma explicitly.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# A container image bakes collectstatic's output outside the var/ volume (deploy/Containerfile).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Fichiers envoyés : sur le disque (MEDIA_ROOT, partagé entre instances par un montage
# commun) ou dans un seau S3 compatible (MEDIA_STORAGE=s3 : AWS S3, Scaleway, OVH, MinIO,
# Garage…) par django-storages. Le seau reste privé : les photos non publiques passent par
# la vue qui vérifie qui les demande, les autres fichiers par des URL signées à durée limitée.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    _MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not _bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 exige AWS_STORAGE_BUCKET_NAME.")
    _MEDIA = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Empty: boto3 reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or an instance role).
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "location": env_str("AWS_LOCATION", "media"),
            # Private objects, reachable only through signed URLs that expire.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
            # Never replace an existing object: a second upload gets its own name, like on disk.
            "file_overwrite": False,
            # Path-style URLs (endpoint/bucket/key) stay on the endpoint's origin (CSP below).
            "addressing_style": env_str(
                "AWS_S3_ADDRESSING_STYLE", "path" if env_str("AWS_S3_ENDPOINT_URL") else "auto"
            ),
        },
    }
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE doit valoir filesystem ou s3, pas {MEDIA_STORAGE!r}."
    )
# Where `manage.py sauvegarder` (make backup) writes its archives: personal data, keep it
# private and copy it off the host (docs/decisions.md, « Sauvegardes et restauration »).
SAUVEGARDES_DIR = Path(env_str("SAUVEGARDES_DIR", str(VAR_DIR / "sauvegardes")))
STORAGES = {
    "default": _MEDIA,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves static files straight from the app folders, even
# with DEBUG off (`make run` shows the real error pages); production serves collectstatic's.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PHARES <ne-pas-repondre@lephares.coop>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Sécurité : stricte en production (python manage.py check --deploy muet).
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_FAILURE_VIEW = "phares.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# The header only allows a later submission to the preload list; it commits to nothing yet.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer probes health over plain http (phares/sante.py answers before this anyway).
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Logos and room photos in an S3 bucket are shown through signed URLs on the bucket's host.
MEDIA_ORIGIN = env_str("MEDIA_ORIGIN", "")
if MEDIA_STORAGE == "s3" and not MEDIA_ORIGIN:
    _endpoint = STORAGES["default"]["OPTIONS"]["endpoint_url"]
    MEDIA_ORIGIN = "https://*.amazonaws.com" if not _endpoint else _endpoint.rstrip("/")
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; img-src 'self' data: {MEDIA_ORIGIN}".rstrip()
    + "; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# Adresse publique de l'application : liens des e-mails envoyés hors d'une requête (après
# validation, tâches de fond). Exigée en production.
PHARES_URL = (env_str("PHARES_URL") or ("" if PRODUCTION else "http://127.0.0.1:8000")).rstrip("/")
if PRODUCTION and not PHARES_URL.startswith("https://"):
    raise ImproperlyConfigured("PHARES_URL (https://…) est obligatoire en production.")

# Coordonnées du lieu, affichées sur la page publique.
PHARES_CONTACT = {
    "lieu": env_str("PHARES_LIEU", "La Cité PHARES"),
    "nom": env_str("PHARES_CONTACT_NOM", "Anne Hurand"),
    "fonction": env_str("PHARES_CONTACT_FONCTION", "Chargée de développement"),
    "telephones": env_list("PHARES_CONTACT_TELEPHONES", ["01 48 13 04 31", "07 76 85 88 24"]),
    "email": env_str("PHARES_CONTACT_EMAIL", "anne.hurand@lephares.coop"),
    "site": env_str("PHARES_CONTACT_SITE", "https://www.lephares.coop"),
    "adresse": env_str("PHARES_CONTACT_ADRESSE", "6 rue Arnold Géraux, 93450 L'Île-Saint-Denis"),
}
INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 14)

# Photos de la vie du pôle (habitants/projets/services/photos.py) : poids du fichier envoyé,
# et pixels une fois décodé (quelques Ko de PNG peuvent se décompresser en gigaoctets).
PROJETS_PHOTO_MAX_OCTETS = env_int("PROJETS_PHOTO_MAX_OCTETS", 10 * 1024 * 1024)
PROJETS_PHOTO_MAX_PIXELS = env_int("PROJETS_PHOTO_MAX_PIXELS", 50_000_000)
# Sous MEDIA_ROOT, ce que seule l'application sert, après avoir vérifié qui le demande : ni la
# route de développement (phares/urls.py) ni le proxy de production ne servent ces préfixes.
MEDIA_PREFIXES_PRIVES = ("projets/photos/",)

# Gouvernance de la SCIC : ce que fixent ses statuts (docs/decisions.md, « Gouvernance —
# séances et décisions »), lu par gouvernance/regles.py qui refuse une valeur mal écrite.
GOUVERNANCE_SCIC = {
    "nom": env_str("GOUVERNANCE_SCIC_NOM", "SCIC La Cité PHARES"),
    "forme": env_str(
        "GOUVERNANCE_SCIC_FORME",
        "Société coopérative d'intérêt collectif, SARL à capital variable",
    ),
    "siege": env_str("GOUVERNANCE_SCIC_SIEGE", PHARES_CONTACT["adresse"]),
}
# Procurations qu'un·e associé·e peut porter en séance (le Code de commerce n'en fixe pas pour
# une SARL, art. L223-28 ; les statuts de la SCIC, si).
GOUVERNANCE_PROCURATIONS_MAX = env_int("GOUVERNANCE_PROCURATIONS_MAX", 1)
# Quorum par type de séance et par convocation (1re, 2de) : fraction des inscrits présents ou
# représentés, ou None (pas de quorum).
GOUVERNANCE_QUORUMS = {
    "cogerance": {1: None, 2: None},
    "ago": {1: "1/5", 2: None},
    "age": {1: "1/4", 2: "1/5"},
    "pleniere": {1: None, 2: None},
    "thematique": {1: None, 2: None},
}
# Majorité par type de séance : « >1/2 » (plus de la moitié) ou « >=2/3 » (au moins les deux
# tiers) des voix exprimées (GOUVERNANCE_BASE_MAJORITE = "exprimees", abstentions non
# comptées) ou des votants (= "votants" : une abstention pèse comme un vote contre).
GOUVERNANCE_MAJORITES = {
    "cogerance": ">1/2",
    "ago": ">1/2",
    "age": ">=2/3",
    "pleniere": ">1/2",
    "thematique": ">1/2",
}
GOUVERNANCE_BASE_MAJORITE = env_str("GOUVERNANCE_BASE_MAJORITE", "exprimees")
# SCIC : registre des associés et capital (lu et vérifié par gouvernance/reglages.py, qui
# documente chaque clé ; voir docs/decisions.md, « Gouvernance — registre et capital »).
PHARES_GOUVERNANCE = {
    # Valeur nominale d'une part sociale, fixée par les statuts.
    "VALEUR_NOMINALE_PART": env_decimal("PHARES_VALEUR_NOMINALE_PART", Decimal("100.00")),
    # SARL : 100 associés au plus (art. L223-3 du Code de commerce) ; alerte à partir de 90.
    "PLAFOND_ASSOCIES": env_int("PHARES_PLAFOND_ASSOCIES", 100),
    "ALERTE_PLAFOND_ASSOCIES": env_int("PHARES_ALERTE_PLAFOND_ASSOCIES", 90),
    # Montant statutaire sous lequel le capital ne descend pas par remboursements
    # (art. L231-5 du Code de commerce) ; 0 = seul le plancher du quart s'applique.
    "CAPITAL_MINIMUM_STATUTAIRE": env_decimal("PHARES_CAPITAL_MINIMUM_STATUTAIRE", Decimal(0)),
}

# Journaux techniques sur la sortie standard. En production (ou LOG_FORMAT=json) : un objet
# JSON par ligne (phares/lib/jsonlog.py), avec une ligne par requête (LOG_REQUESTS) qui porte
# son identifiant, son statut, sa durée et l'id de la personne connectée.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT doit valoir json ou text, pas {LOG_FORMAT!r}.")
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "phares.lib.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint's font subsetting (fontTools) logs a line per font per PDF at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
