"""A small Django project with its admin, deployed by hybrid.web at the root of a PHP site.

Nothing here knows where the app is mounted: main.py gives Django the mount point as SCRIPT_NAME, and Django
prefixes every URL it builds (reverse(), redirects, the admin's links and forms) with it. FORCE_SCRIPT_NAME stays
unset for that reason. The secret key comes from the environment (hybrid_site_app_env), never from the code.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
# The tests' Host header; a real site lists its own names.
ALLOWED_HOSTS = ["example.test", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "djangosite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "djangosite.wsgi.application"
# The code's home is read-only for the daemon: the database lives where the daemon may write (a real project points
# this at its database server). Sessions are signed cookies, so showing the login page needs no table.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_DB", "/var/tmp/djangosite.sqlite3"),
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
USE_TZ = True

# `manage.py collectstatic` copies the admin's files here after each deploy; Apache serves them at /static/
# (hybrid_site_static_aliases), Python never does. STATIC_URL is relative, so Django prefixes the mount point.
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", "/srv/hybrid-web/django-static")
