"""Django settings, all from the environment (config/environment.py checks them at start)."""
{%- set jwt = cookiecutter.auth == "jwt" %}

from __future__ import annotations

import sys
{%- if jwt %}
from datetime import timedelta
{%- endif %}
from pathlib import Path

import dj_database_url
{%- if cookiecutter.database == "mysql" %}
import pymysql
{%- endif %}

from config import environment

BASE_DIR = Path(__file__).resolve().parent.parent
{%- if cookiecutter.database == "mysql" %}

# PyMySQL (pure Python: no C client library to build) serves as the MySQLdb module Django's MySQL
# backend imports. Django checks that module's version against mysqlclient's: PyMySQL reports the
# oldest mysqlclient release Django accepts, whose API it implements.
pymysql.version_info = (2, 2, 1, "final", 0)
pymysql.install_as_MySQLdb()
{%- endif %}

try:
    SECRET_KEY = environment.secret_key()
    DATABASES = {
        "default": dj_database_url.parse(
            environment.text("DATABASE_URL", "sqlite:///./test.db"),
            conn_max_age=60,
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # One writer at a time: writers wait for the lock (IMMEDIATE, busy timeout) instead of
        # failing with "database is locked"; WAL lets readers go on meanwhile.
        DATABASES["default"]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    TRUSTED_PROXIES = environment.networks("TRUSTED_PROXIES")
    LOGIN_LOCKOUT_FAILURES = environment.integer("LOGIN_LOCKOUT_FAILURES", 5, 1, 1000)
    LOGIN_LOCKOUT_MAX_SECONDS = environment.integer("LOGIN_LOCKOUT_MAX_SECONDS", 900, 1, 86400)
    MAX_REQUEST_BODY_BYTES = environment.integer("MAX_REQUEST_BODY_BYTES", 1048576, 1024, 2**30)
    PASSWORD_HASH_MEMORY_MIB = environment.integer("PASSWORD_HASH_MEMORY_MIB", 256, 64, 65536)
    AUTH_RATE_LIMIT_PER_MINUTE = environment.integer("AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 100000)
{%- if jwt %}
    ACCESS_TOKEN_EXPIRE_MINUTES = environment.integer("ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 1440)
    REFRESH_TOKEN_EXPIRE_MINUTES = environment.integer(
        "REFRESH_TOKEN_EXPIRE_MINUTES", 10080, 1, 525600
    )
{%- else %}
    SESSION_EXPIRE_MINUTES = environment.integer("SESSION_EXPIRE_MINUTES", 480, 1, 525600)
    COOKIE_SECURE = environment.boolean("COOKIE_SECURE", True)
{%- endif %}
    LOG_LEVEL = environment.text("LOG_LEVEL", "INFO").upper()
    ALLOWED_HOSTS = environment.words("ALLOWED_HOSTS", "*")
except environment.ConfigurationError as error:
    sys.exit(f"configuration error: {error}")

DEBUG = False
# Settings a value must not override: the app is an API behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
{%- if jwt %}
# The admin's own login (staff only) uses Django's session and CSRF cookies, over TLS only.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
{%- else %}
# Cookie sessions, with the contract's names: the HttpOnly `session` cookie (a Django session in
# the database: logout deletes it, a password change invalidates the user's other sessions), and
# the readable `csrf_token` cookie that unsafe requests echo in X-CSRF-Token (Django's CSRF check).
SESSION_COOKIE_NAME = "session"
SESSION_COOKIE_AGE = SESSION_EXPIRE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = COOKIE_SECURE
CSRF_COOKIE_NAME = "csrf_token"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = COOKIE_SECURE
CSRF_HEADER_NAME = "HTTP_X_CSRF_TOKEN"
CSRF_FAILURE_VIEW = "app.problems.csrf_failure"
{%- endif %}
# Bodies are limited (413) by app.middleware.BodySizeLimitMiddleware before Django reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
APPEND_SLASH = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "app",
]

MIDDLEWARE = [
    "app.middleware.SecurityHeadersMiddleware",
    "app.metrics.MetricsMiddleware",
    "app.middleware.ClientAddressMiddleware",
    "app.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "app.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# argon2id first: new hashes use it; the others only verify (and upgrade) older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
{%- if jwt %}
    "DEFAULT_AUTHENTICATION_CLASSES": ["app.tokens.SessionJWTAuthentication"],
{%- else %}
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
{%- endif %}
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "app.problems.exception_handler",
    # the views' own description of the API (app/views/schema.py), compared with openapi.yaml
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth": f"{AUTH_RATE_LIMIT_PER_MINUTE}/min"},
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "STRICT_JSON": True,
    # `?format=` is a query parameter of the API (a field may be named so), not a renderer choice
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# drf-spectacular describes the code to tests/test_openapi.py only: no schema view or interactive
# docs are routed (config/urls.py); the API's contract, served at /openapi.yaml, is openapi.yaml.
SPECTACULAR_SETTINGS = {
    "OAS_VERSION": "3.1.0",
    # request bodies get their own components (the contract's XCreate/XUpdate, not XRead)
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
}

{%- if jwt %}

SIMPLE_JWT = {
    # HS256 only, with the app's secret: a token signed otherwise (alg none, HS512...) is refused.
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(minutes=REFRESH_TOKEN_EXPIRE_MINUTES),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "TOKEN_TYPE_CLAIM": "typ",
    "JTI_CLAIM": "jti",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
}
{%- endif %}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}
