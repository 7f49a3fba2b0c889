# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: url_moves
short_description: Check the URLs moved from PHP to Python and turn them into rewrite patterns
version_added: 0.1.0
description:
  - Takes the list of URL paths that the Python app serves even though a PHP file (or directory) for them still exists,
    and the app's mount point, and returns one entry per URL with the anchored regular expression the vhost's
    rewrite block matches C(%{REQUEST_URI}) against.
  - A path ending in C(/) is a prefix (C(/shop/) moves C(/shop/) and everything below it); any other path is exact
    (C(/page-2.php)).
  - Refuses paths that are not absolute, contain C(..), C(.) or empty segments, a query string, percent-escapes or
    characters other than ASCII letters, digits and C(-._~), paths outside the mount point, the mount point's own
    root (that is the cut-over mode, not a move), and duplicates.
positional: _input
options:
  _input:
    description: URL paths moved to Python, e.g. C([/page-2.php, /shop/]).
    type: list
    elements: string
    required: true
  mount_point:
    description: The Python app's mount point, as returned by M(hybrid.web.mount_point).
    type: string
    default: ""
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: Move page-2.php and the whole shop to Python
  ansible.builtin.debug:
    msg: "{{ ['/page-2.php', '/shop/'] | hybrid.web.url_moves('') }}"
    # => [{'path': '/page-2.php', 'prefix': false, 'pattern': '^/page\-2\.php$'},
    #     {'path': '/shop/', 'prefix': true, 'pattern': '^/shop/'}]
"""

RETURN = r"""
_value:
  description: One dict per moved URL, with C(path), C(prefix) (bool) and C(pattern) (an anchored regex).
  type: list
  elements: dict
"""

import re

from ansible.errors import AnsibleFilterError

_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)+/?$")


def _fail(value: object, rule: str) -> AnsibleFilterError:
    return AnsibleFilterError(f"hybrid.web.url_moves: {value!r} cannot be moved to Python: {rule}")


def url_moves(paths: object, mount_point: str = "") -> list[dict[str, object]]:
    """Return the rewrite pattern of each moved URL path, refusing unsafe or ambiguous ones."""
    if not isinstance(paths, list):
        raise _fail(paths, "the move list must be a list of URL paths")
    moves: list[dict[str, object]] = []
    for path in paths:
        if not isinstance(path, str) or not path.startswith("/"):
            raise _fail(path, "it must be an absolute URL path starting with '/'")
        if path in (mount_point, f"{mount_point}/"):
            raise _fail(path, "it is the app's mount point itself; use the cutover mode to hand it to Python")
        if "?" in path or "#" in path:
            raise _fail(path, "it must not contain a query string or fragment ('?' or '#')")
        if any(segment in (".", "..") for segment in path.split("/")):
            raise _fail(path, "it must not contain '.' or '..' segments")
        if not _PATH.match(path):
            raise _fail(path, "it must be '/'-separated non-empty segments of ASCII letters, digits and '-._~'")
        if not path.startswith(f"{mount_point}/"):
            raise _fail(path, f"it lies outside the app's mount point {mount_point!r}")
        if any(move["path"] == path for move in moves):
            raise _fail(path, "it is listed twice")
        prefix = path.endswith("/")
        moves.append({"path": path, "prefix": prefix, "pattern": "^" + re.escape(path) + ("" if prefix else "$")})
    return moves


class FilterModule:
    """hybrid.web filters."""

    def filters(self) -> dict[str, object]:
        return {"url_moves": url_moves}
