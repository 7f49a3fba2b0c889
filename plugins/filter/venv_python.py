# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: venv_python
short_description: The Python version (major.minor) a virtualenv was made with, from its pyvenv.cfg
version_added: 0.1.0
description:
  - Takes the text of a virtualenv's C(pyvenv.cfg) and returns the C(major.minor) of the Python that made it, from its
    C(version) key (written by C(python -m venv)) or C(version_info) key (written by virtualenv and uv).
  - A virtualenv is bound to that Python, and a mod_wsgi module to the Python it was built for; the roles compare the
    two before anything changes. Returns the empty string for an empty text (no virtualenv yet) or one without either
    key.
positional: _input
options:
  _input:
    description: The content of C(pyvenv.cfg), e.g. from M(ansible.builtin.slurp) (decoded).
    type: string
    required: true
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: Read a virtualenv's Python version
  ansible.builtin.debug:
    msg: "{{ 'home = /usr/bin\nversion = 3.11.2\n' | hybrid.web.venv_python }}"  # => '3.11'
"""

RETURN = r"""
_value:
  description: C(major.minor), e.g. C(3.11); empty when the text names no version.
  type: string
"""

import re

from ansible.errors import AnsibleFilterError

_VERSION = re.compile(r"^\s*version(?:_info)?\s*=\s*(\d+)\.(\d+)\b", re.MULTILINE)


def venv_python(pyvenv_cfg: object) -> str:
    """Return major.minor of the Python named by a pyvenv.cfg text, or '' if it names none."""
    if not isinstance(pyvenv_cfg, str):
        raise AnsibleFilterError(f"hybrid.web.venv_python: expected the text of a pyvenv.cfg, got {pyvenv_cfg!r}")
    match = _VERSION.search(pyvenv_cfg)
    return f"{match[1]}.{match[2]}" if match else ""


class FilterModule:
    """hybrid.web filters."""

    def filters(self) -> dict[str, object]:
        return {"venv_python": venv_python}
