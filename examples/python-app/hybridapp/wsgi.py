"""The example Python app: a few routes, one redirect, a 404 for everything else.

Every response carries the WSGI environ keys that decide URL handling
(SCRIPT_NAME, PATH_INFO, QUERY_STRING) in the X-Hybrid-Environ header, so the
tests can compare what the app sees behind the hybrid fallback with what it sees
under a plain WSGIScriptAlias.
"""

from __future__ import annotations

import html
import json
import os
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from wsgiref.util import application_uri

StartResponse = Callable[..., object]
Environ = dict[str, object]

ENVIRON_KEYS = ("SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")

# Read once at import: a deploy that changes it is live only once the daemon processes have restarted.
_RELEASE_FILE = Path(__file__).with_name("release.txt")
RELEASE = _RELEASE_FILE.read_text(encoding="utf-8").strip() if _RELEASE_FILE.exists() else "initial"


def _installed(package: str) -> str:
    """The version of a package from the app's requirements, '' where the app runs without them."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _mod_wsgi_version() -> str:
    """The release of the mod_wsgi running the app, which gives the code it runs a `mod_wsgi` module; '' elsewhere."""
    try:
        import mod_wsgi  # only importable inside mod_wsgi's daemons
    except ImportError:
        return ""
    return ".".join(str(part) for part in mod_wsgi.version)


# Where the app's packages come from (its virtualenv through python-home, or the system Python), and what runs it.
RUNTIME = {"prefix": sys.prefix, "idna": _installed("idna"), "mod_wsgi": _mod_wsgi_version()}


def _page(title: str, body: str) -> bytes:
    title = html.escape(title)
    page = (
        f"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n"
        f"<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _respond(
    environ: Environ, start_response: StartResponse, status: str, body: bytes, extra: tuple[tuple[str, str], ...] = ()
) -> Iterable[bytes]:
    seen = json.dumps({key: environ.get(key, "") for key in ENVIRON_KEYS}, sort_keys=True)
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Served-By", "python"),
        ("X-Hybrid-Environ", seen),
        ("X-Hybrid-Process-Group", str(environ.get("mod_wsgi.process_group", ""))),
        ("X-App-Release", RELEASE),
        ("X-App-Python-Prefix", RUNTIME["prefix"]),
        ("X-App-Idna", RUNTIME["idna"]),
        ("X-App-Mod-Wsgi", RUNTIME["mod_wsgi"]),
        ("X-App-Greeting", os.environ.get("HYBRID_GREETING", "")),
        *extra,
    ]
    start_response(status, headers)
    return [body]


def hello(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    body = _page("Hello from Python", "<p>Served by the WSGI app, at the root of the same site as the PHP pages.</p>")
    return _respond(environ, start_response, "200 OK", body)


def about(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    return _respond(environ, start_response, "200 OK", _page("About (Python)", "<p>Moved from PHP to Python.</p>"))


def page_2(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    # Moved from PHP: page-2.php still exists on disk (the rollback); the site's
    # move list routes this URL here.
    body = _page("Page 2 (Python)", "<p>This page moved from <code>page-2.php</code> to the Python app.</p>")
    return _respond(environ, start_response, "200 OK", body)


def old_about(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    # application_uri() builds the URL from SCRIPT_NAME, as frameworks do: it is
    # where a wrong mount point would leak into what users see.
    location = application_uri(environ).rstrip("/") + "/about/"
    body = _page("Moved", f'<p><a href="{html.escape(location)}">About</a></p>')
    return _respond(environ, start_response, "301 Moved Permanently", body, (("Location", location),))


ROUTES: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
    "/hello": hello,
    "/about/": about,
    "/old-about": old_about,
    "/page-2.php": page_2,
}


def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    route = ROUTES.get(str(environ.get("PATH_INFO", "")))
    if route is not None:
        return route(environ, start_response)
    path = html.escape(str(environ.get("PATH_INFO", "")))
    body = _page("Not found (Python)", f"<p>The Python app has no page for <code>{path}</code>.</p>")
    return _respond(environ, start_response, "404 Not Found", body)
