"""Pages whose URLs Django builds itself, so the tests can see them as the browser does."""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import format_html

# Read once, at import: what a daemon process answers tells which release it runs (a deploy adds the file).
RELEASE_FILE = Path(__file__).with_name("release.txt")
RELEASE = RELEASE_FILE.read_text().strip() if RELEASE_FILE.exists() else "first"


def links(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        format_html(
            '<a id="self" href="{}">links</a> <a id="login" href="{}">admin</a>',
            reverse("links"),
            reverse("admin:login"),
        )
    )


def python(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "prefix": sys.prefix,
            "framework": django.__file__,
            "script_name": request.META.get("SCRIPT_NAME", ""),
            "release": RELEASE,
        }
    )
