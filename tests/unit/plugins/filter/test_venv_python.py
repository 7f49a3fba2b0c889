from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid.web.plugins.filter.venv_python import FilterModule, venv_python

STDLIB_VENV = (
    "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\nexecutable = /usr/bin/python3.11\n"
)
UV_VENV = "home = /opt/python/bin\nimplementation = CPython\nuv = 0.5.1\nversion_info = 3.12.7\n"


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (STDLIB_VENV, "3.11"),
        (UV_VENV, "3.12"),
        ("version = 3.13.0rc1\n", "3.13"),
        ("home = /usr/bin\n", ""),
        ("", ""),
        # A key that merely ends in "version" is not the Python's version.
        ("virtualenv_version = 20.1.0\n", ""),
    ],
)
def test_the_python_that_made_the_virtualenv(text: str, version: str) -> None:
    assert venv_python(text) == version


def test_anything_but_text_is_refused() -> None:
    with pytest.raises(AnsibleFilterError, match=r"pyvenv\.cfg"):
        venv_python(None)


def test_the_filter_is_registered() -> None:
    assert FilterModule().filters()["venv_python"] is venv_python
