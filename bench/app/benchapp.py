"""The bench's trivial WSGI app: one short response for every URL.

X-WSGI-Process-Group names the mod_wsgi daemon process group the request ran in
('' in embedded mode), so the bench can check which process model it measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

StartResponse = Callable[..., object]

BODY = b"hello from python\n"


def application(environ: dict[str, object], start_response: StartResponse) -> Iterable[bytes]:
    group = str(environ.get("mod_wsgi.process_group", "?"))
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain"),
            ("Content-Length", str(len(BODY))),
            ("X-WSGI-Process-Group", group or "(embedded)"),
        ],
    )
    return [BODY]
