"""What every hybrid.web scenario must do, checked from inside the container."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import pytest
from conftest import GROUND_TRUTH_PORT, Fetch
from testinfra.host import Host

DOCUMENT_ROOT = "/var/www/hybrid"
STRAY_FILES = ["other.py", "main.py~", "main.pyc", "index.php.bak", "page-1.php.swp", "index.php~", ".env"]

# The core promise: behind the fallback the app sees exactly what it sees under
# `WSGIScriptAlias /`. Each of these broke at least one naive configuration.
SAME_AS_WSGISCRIPTALIAS = [
    "/some/url",
    "/some/url/",
    "/some/url?x=1&y=2",
    "/a%20b",
    "/a%3Fb",
    "/a%25b",
    "/caf%C3%A9",
    "/caf%C3%A9/na%C3%AFve?q=%C3%A9t%C3%A9",
    "/assets/",
    "/assets/missing.png",
    "/page-1.php.bak",
    "/nope.php",
    "//double//slash",
    "/x/../y",
    "/hello",
    "/old-about",
    "/old-about?keep=1",
]


@pytest.mark.parametrize("service", ["apache2", "php8.2-fpm"])
def test_service_is_running_and_enabled(host: Host, service: str) -> None:
    unit = host.service(service)
    assert unit.is_running
    assert unit.is_enabled


def test_python_runs_in_its_daemon_process_group_as_its_own_user(host: Host, get: Fetch) -> None:
    get("/hello")  # the daemon processes start with Apache; make sure one served
    processes = host.run("ps -eo user:32,args | grep '[(]wsgi:hybrid)'").stdout.splitlines()
    assert processes, "no (wsgi:hybrid) daemon process"
    assert {line.split()[0] for line in processes} == {"hybrid-wsgi"}


def test_embedded_mode_is_disabled_server_wide(host: Host) -> None:
    assert "WSGIRestrictEmbedded On" in host.file("/etc/apache2/conf-enabled/hybrid-web-wsgi.conf").content_string


def test_distribution_default_site_is_disabled(host: Host) -> None:
    assert not host.file("/etc/apache2/sites-enabled/000-default.conf").exists


def test_static_file_is_served_as_is(host: Host, get: Fetch) -> None:
    response = get("/robots.txt")
    assert response.status == 200
    assert response.body == host.file(DOCUMENT_ROOT + "/robots.txt").content_string
    assert "x-served-by" not in response.headers


@pytest.mark.parametrize(("path", "marker"), [("/", "Legacy PHP site: home"), ("/page-1.php", "Page 1 (PHP)")])
def test_php_pages_are_rendered_by_php(get: Fetch, path: str, marker: str) -> None:
    response = get(path)
    assert response.status == 200
    assert response.headers.get("x-served-by") == "php"
    assert marker in response.body
    assert "<?php" not in response.body


def test_unknown_url_goes_to_python_mounted_at_the_root(get: Fetch) -> None:
    response = get("/anything/else")
    assert response.status == 404
    assert response.headers["x-served-by"] == "python"
    assert response.environ == {"SCRIPT_NAME": "", "PATH_INFO": "/anything/else", "QUERY_STRING": ""}


@pytest.mark.parametrize("path", SAME_AS_WSGISCRIPTALIAS)
def test_app_sees_what_it_sees_under_wsgiscriptalias(get: Fetch, path: str) -> None:
    hybrid = get(path)
    truth = get(path, port=GROUND_TRUTH_PORT)
    assert hybrid.headers.get("x-served-by") == "python", f"{path} did not reach Python: {hybrid.status}"
    assert (hybrid.status, hybrid.environ) == (truth.status, truth.environ)
    assert hybrid.headers.get("location") == truth.headers.get("location")


def test_redirect_location_does_not_leak_main_py(get: Fetch) -> None:
    response = get("/old-about")
    assert response.status == 301
    assert response.headers["location"] == "http://example.test/about/"


@pytest.mark.parametrize("path", ["/main.py", "/main.py/hello", "/main.py?x=1", "/MAIN.py"])
def test_main_py_is_never_returned_as_source(get: Fetch, path: str) -> None:
    response = get(path)
    assert "import" not in response.body
    assert response.status in (403, 404) or response.headers.get("x-served-by") == "python"


@pytest.fixture
def stray_files(host: Host) -> Iterator[dict[str, str]]:
    """Files an admin or an editor leaves in a DocumentRoot, each with a secret in it."""
    files = {name: f"secret-{index}" for index, name in enumerate(STRAY_FILES)}
    for name, secret in files.items():
        host.run(f"printf %s {secret} > {shlex.quote(DOCUMENT_ROOT + '/' + name)}")
    yield files
    host.run("rm -f " + " ".join(shlex.quote(DOCUMENT_ROOT + "/" + name) for name in files))


def test_python_sources_and_backup_copies_in_the_document_root_are_never_served(
    get: Fetch, stray_files: dict[str, str]
) -> None:
    for name, secret in stray_files.items():
        response = get("/" + name)
        assert response.status == 403, f"/{name} answered {response.status}"
        assert secret not in response.body
