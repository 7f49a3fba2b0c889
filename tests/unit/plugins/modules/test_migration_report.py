from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.hybrid.web.plugins.modules.migration_report import (
    build_entries,
    classify,
    fallback_of,
    php_entry_points,
    served_by_handler,
    table,
)

MAIN = {"name": "site", "mount_point": ""}
API = {"name": "api", "mount_point": "/api"}
MOVES = [
    {"path": "/page-2.php", "prefix": False, "pattern": r"^/page\-2\.php$"},
    {"path": "/shop/", "prefix": True, "pattern": "^/shop/"},
]


def test_php_entry_points_are_every_php_file_but_hidden_ones(tmp_path: Path) -> None:
    for name in ["index.php", "page-1.php", "robots.txt", "shop/index.php", "shop/cart.php", ".git/hook.php", ".x.php"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<?php")
    assert php_entry_points(str(tmp_path)) == ["index.php", "page-1.php", "shop/cart.php", "shop/index.php"]


@pytest.mark.parametrize(
    ("url", "mode", "is_directory", "expected"),
    [
        ("/page-1.php", "root", False, ("php", "file on disk")),
        ("/", "root", True, ("php", "directory index")),
        ("/page-2.php", "root", False, ("python:site", "move list (/page-2.php)")),
        ("/shop/", "root", True, ("python:site", "move list (/shop/)")),
        ("/shop/cart.php", "root", False, ("python:site", "move list (/shop/)")),
        ("/shopping.php", "root", False, ("php", "file on disk")),
        ("/", "cutover", True, ("python:site", "cut-over")),
        ("/page-1.php", "cutover", False, ("php", "file on disk")),
        ("/api/x.php", "root", False, ("python:api", "WSGIScriptAlias /api")),
    ],
)
def test_classify_root_and_cutover(url: str, mode: str, is_directory: bool, expected: tuple[str, str]) -> None:
    assert classify(url, mode, [MAIN, API], MOVES, is_directory) == expected


def test_classify_a_sub_url_mount() -> None:
    apps = [{"name": "site", "mount_point": "/suburl"}]
    assert classify("/suburl/old.php", "suburl", apps, [], False) == ("python:site", "WSGIScriptAlias /suburl")
    assert classify("/page-1.php", "suburl", apps, [], False) == ("php", "file on disk")


def test_classify_a_sub_directory_deployment_leaves_php_outside_it_alone() -> None:
    apps = [{"name": "site", "mount_point": "/legacy"}]
    assert classify("/other/", "cutover", apps, [], True) == ("php", "directory index")
    assert classify("/legacy/", "cutover", apps, [], True) == ("python:site", "cut-over")


def test_an_index_file_gives_its_directory_url_too() -> None:
    entries = build_entries(["index.php", "page-2.php"], "root", [MAIN], MOVES, ["index.php"])
    assert entries == [
        {"url": "/index.php", "file": "index.php", "served_by": "php", "via": "file on disk"},
        {"url": "/", "file": "index.php", "served_by": "php", "via": "directory index"},
        {"url": "/page-2.php", "file": "page-2.php", "served_by": "python:site", "via": "move list (/page-2.php)"},
    ]


def test_the_fallback_is_the_main_app() -> None:
    assert fallback_of("root", [MAIN]) == {
        "urls": "/* with no file",
        "served_by": "python:site",
        "via": "rewrite fallback",
    }
    assert fallback_of("suburl", [{"name": "s", "mount_point": "/s"}])["urls"] == "/s/* with no file"


@pytest.mark.parametrize(
    ("handler", "served_by"),
    [
        ("proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost", "php"),
        ("application/x-httpd-php", "php"),
        ("hybrid-wsgi-handler", "python"),
        ("wsgi-script", "python"),
        ("-", "-"),
        ("", "static"),
    ],
)
def test_the_logged_handler_names_php_or_python(handler: str, served_by: str) -> None:
    assert served_by_handler(handler) == served_by


def test_the_table_lines_up_and_ends_with_the_summary() -> None:
    entries = [
        {"url": "/page-2.php", "file": "page-2.php", "served_by": "python:site", "via": "move list", "confirmed": True}
    ]
    text = table(entries, fallback_of("root", [MAIN]), "1 of 1 PHP entry points moved to Python (100%).")
    assert text.splitlines() == [
        "URL              PHP file    served by    via               confirmed",
        "---------------  ----------  -----------  ----------------  ---------",
        "/page-2.php      page-2.php  python:site  move list         yes",
        "/* with no file  -           python:site  rewrite fallback  -",
        "",
        "1 of 1 PHP entry points moved to Python (100%).",
    ]
