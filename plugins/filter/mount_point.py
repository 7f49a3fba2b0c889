# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: mount_point
short_description: The URL prefix a Python app is mounted at, from the URL of its main.py wrapper
version_added: 0.1.0
description:
  - Takes the URL path at which the C(main.py) WSGI wrapper sits inside the site's DocumentRoot and returns the
    mount point the Python app must see as C(SCRIPT_NAME), that is the directory of that URL, with the site root
    given as the empty string, as WSGI requires.
  - Refuses any value that would render a broken or unsafe Apache configuration, naming the value and the rule
    it breaks; the vhost template and main.py use the result, so nothing else derives the mount point again.
  - "Rules: the path must be absolute (start with C(/)), must not contain C(..) or C(.) segments nor C(//),
    must not contain a query string or fragment (C(?), C(#)), whitespace, control characters, percent-escapes or
    characters other than ASCII letters, digits and C(-._~), and must name a C(.py) file."
positional: _input
options:
  _input:
    description: URL path of the main.py wrapper, e.g. C(/main.py) or C(/legacy/main.py).
    type: string
    required: true
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: The wrapper at the site root is mounted at the empty string
  ansible.builtin.debug:
    msg: "{{ '/main.py' | hybrid.web.mount_point }}"  # => ''

- name: A wrapper in DocumentRoot/legacy/ is mounted at /legacy
  ansible.builtin.debug:
    msg: "{{ '/legacy/main.py' | hybrid.web.mount_point }}"  # => '/legacy'
"""

RETURN = r"""
_value:
  description: The mount point, C('') for the site root, otherwise C(/dir[/subdir...]) without a trailing slash.
  type: string
"""

import re
import unicodedata

from ansible.errors import AnsibleFilterError

# Unreserved URL characters only: a segment then needs no quoting in an Apache
# <Directory> path, a WSGIScriptAlias, a regular expression or a Python literal.
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")


def _fail(value: object, rule: str) -> AnsibleFilterError:
    return AnsibleFilterError(f"hybrid.web.mount_point: {value!r} is not a valid main.py URL path: {rule}")


def mount_point(wrapper_url: object) -> str:
    """Return the SCRIPT_NAME for a main.py wrapper served at ``wrapper_url``."""
    if not isinstance(wrapper_url, str):
        raise _fail(wrapper_url, f"it must be a string, not {type(wrapper_url).__name__}")
    if not wrapper_url.startswith("/"):
        raise _fail(wrapper_url, "it must be an absolute URL path starting with '/'")
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in wrapper_url):
        raise _fail(wrapper_url, "it must not contain whitespace or control characters")
    if "?" in wrapper_url or "#" in wrapper_url:
        raise _fail(wrapper_url, "it must not contain a query string or fragment ('?' or '#')")
    if "//" in wrapper_url:
        raise _fail(wrapper_url, "it must not contain an empty segment ('//')")
    segments = wrapper_url.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        raise _fail(wrapper_url, "it must not contain '.' or '..' segments")
    if "%" in wrapper_url:
        raise _fail(wrapper_url, "it must not contain percent-escapes ('%'); give the plain path")
    if not segments[-1].endswith(".py") or segments[-1] == ".py":
        raise _fail(wrapper_url, "it must name a '.py' file, e.g. '/main.py'")
    if not all(_SEGMENT.match(segment) for segment in segments):
        raise _fail(wrapper_url, "segments may only use ASCII letters, digits and '-._~'")
    return "/".join(["", *segments[:-1]])


class FilterModule:
    """hybrid.web filters."""

    def filters(self) -> dict[str, object]:
        return {"mount_point": mount_point}
