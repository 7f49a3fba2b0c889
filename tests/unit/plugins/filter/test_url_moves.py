from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid.web.plugins.filter.url_moves import FilterModule, url_moves


def test_exact_paths_and_prefixes_become_anchored_patterns() -> None:
    assert url_moves(["/page-2.php", "/shop/"]) == [
        {"path": "/page-2.php", "prefix": False, "pattern": r"^/page\-2\.php$"},
        {"path": "/shop/", "prefix": True, "pattern": r"^/shop/"},
    ]


@pytest.mark.parametrize(
    ("moved", "request_path", "matches"),
    [
        ("/page-2.php", "/page-2.php", True),
        ("/page-2.php", "/page-2.php/extra", False),
        ("/page-2.php", "/page-2xphp", False),
        ("/page-2.php", "/a/page-2.php", False),
        ("/shop/", "/shop/", True),
        ("/shop/", "/shop/cart.php", True),
        ("/shop/", "/shopping/", False),
        ("/shop/", "/shop", False),
    ],
)
def test_a_pattern_matches_exactly_what_was_moved(moved: str, request_path: str, matches: bool) -> None:
    (move,) = url_moves([moved])
    assert bool(re.search(str(move["pattern"]), request_path)) is matches


def test_moves_below_a_mount_point_are_accepted() -> None:
    assert [move["path"] for move in url_moves(["/legacy/page-2.php"], "/legacy")] == ["/legacy/page-2.php"]


def test_an_empty_move_list_is_fine() -> None:
    assert url_moves([]) == []


@pytest.mark.parametrize(
    ("moved", "mount", "rule"),
    [
        ("page-2.php", "", "it must be an absolute URL path starting with '/'"),
        (42, "", "it must be an absolute URL path starting with '/'"),
        ("/", "", "it is the app's mount point itself; use the cutover mode to hand it to Python"),
        ("/legacy/", "/legacy", "it is the app's mount point itself; use the cutover mode to hand it to Python"),
        ("/page-2.php?x=1", "", "it must not contain a query string or fragment ('?' or '#')"),
        ("/shop/../admin/", "", "it must not contain '.' or '..' segments"),
        ("/shop//cart", "", "it must be '/'-separated non-empty segments of ASCII letters, digits and '-._~'"),
        ("/a%20b", "", "it must be '/'-separated non-empty segments of ASCII letters, digits and '-._~'"),
        ("/caf\u00e9", "", "it must be '/'-separated non-empty segments of ASCII letters, digits and '-._~'"),
        ("/page 2.php", "", "it must be '/'-separated non-empty segments of ASCII letters, digits and '-._~'"),
        ("/page-2.php", "/legacy", "it lies outside the app's mount point '/legacy'"),
        ("/legacyx/a.php", "/legacy", "it lies outside the app's mount point '/legacy'"),
    ],
)
def test_unsafe_or_misplaced_moves_are_refused(moved: object, mount: str, rule: str) -> None:
    with pytest.raises(AnsibleFilterError) as error:
        url_moves([moved], mount)
    assert str(error.value) == f"hybrid.web.url_moves: {moved!r} cannot be moved to Python: {rule}"


def test_a_url_listed_twice_is_refused() -> None:
    with pytest.raises(AnsibleFilterError, match=r"'/shop/' cannot be moved to Python: it is listed twice$"):
        url_moves(["/shop/", "/page-2.php", "/shop/"])


def test_a_move_list_that_is_not_a_list_is_refused() -> None:
    with pytest.raises(AnsibleFilterError, match="the move list must be a list of URL paths"):
        url_moves("/page-2.php")


def test_the_filter_is_registered_under_its_documented_name() -> None:
    assert FilterModule().filters() == {"url_moves": url_moves}
