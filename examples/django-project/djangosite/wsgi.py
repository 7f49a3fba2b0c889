"""The WSGI application main.py imports (hybrid_site_wsgi_app: djangosite.wsgi:application)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangosite.settings")
application = get_wsgi_application()
