from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid.web.plugins.filter.mount_point import FilterModule, mount_point


@pytest.mark.parametrize(
    ("wrapper_url", "expected"),
    [
        ("/main.py", ""),
        ("/legacy/main.py", "/legacy"),
        ("/a/b-c/d_e.f~g/app.py", "/a/b-c/d_e.f~g"),
        ("/wsgi.py", ""),
    ],
)
def test_mount_point_of_a_valid_wrapper_url(wrapper_url: str, expected: str) -> None:
    assert mount_point(wrapper_url) == expected


def _message(value: str, rule: str) -> str:
    return f"hybrid.web.mount_point: {value!r} is not a valid main.py URL path: {rule}"


@pytest.mark.parametrize(
    ("wrapper_url", "rule"),
    [
        ("main.py", "it must be an absolute URL path starting with '/'"),
        ("legacy/main.py", "it must be an absolute URL path starting with '/'"),
        ("", "it must be an absolute URL path starting with '/'"),
        ("/legacy/../main.py", "it must not contain '.' or '..' segments"),
        ("/../main.py", "it must not contain '.' or '..' segments"),
        ("/./main.py", "it must not contain '.' or '..' segments"),
        ("//main.py", "it must not contain an empty segment ('//')"),
        ("/legacy//main.py", "it must not contain an empty segment ('//')"),
        ("/main.py?x=1", "it must not contain a query string or fragment ('?' or '#')"),
        ("/main.py#top", "it must not contain a query string or fragment ('?' or '#')"),
        ("/my app/main.py", "it must not contain whitespace or control characters"),
        ("/main.py\n", "it must not contain whitespace or control characters"),
        ("/legacy\t/main.py", "it must not contain whitespace or control characters"),
        ("/leg\x00acy/main.py", "it must not contain whitespace or control characters"),
        ("/leg\u200bacy/main.py", "it must not contain whitespace or control characters"),
        ("/a%20b/main.py", "it must not contain percent-escapes ('%'); give the plain path"),
        ("/caf\u00e9/main.py", "segments may only use ASCII letters, digits and '-._~'"),
        ('/le"gacy/main.py', "segments may only use ASCII letters, digits and '-._~'"),
        ("/${APACHE_LOG_DIR}/main.py", "segments may only use ASCII letters, digits and '-._~'"),
        ("/main.php", "it must name a '.py' file, e.g. '/main.py'"),
        ("/legacy/", "it must name a '.py' file, e.g. '/main.py'"),
        ("/", "it must name a '.py' file, e.g. '/main.py'"),
        ("/main.pyc", "it must name a '.py' file, e.g. '/main.py'"),
        ("/.py", "it must name a '.py' file, e.g. '/main.py'"),
    ],
)
def test_mount_point_refuses_an_unsafe_wrapper_url(wrapper_url: str, rule: str) -> None:
    with pytest.raises(AnsibleFilterError) as error:
        mount_point(wrapper_url)
    assert str(error.value) == _message(wrapper_url, rule)


@pytest.mark.parametrize("wrapper_url", [None, 42, ["/main.py"]])
def test_mount_point_refuses_a_value_that_is_not_a_string(wrapper_url: object) -> None:
    with pytest.raises(AnsibleFilterError) as error:
        mount_point(wrapper_url)
    assert str(error.value) == _message(wrapper_url, f"it must be a string, not {type(wrapper_url).__name__}")


def test_the_filter_is_registered_under_its_documented_name() -> None:
    assert FilterModule().filters() == {"mount_point": mount_point}
