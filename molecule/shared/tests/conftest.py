"""Requests made from inside the container under test, and what each host is expected to do."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import testinfra
import yaml
from testinfra.host import Host

HYBRID_PORT = 80
GROUND_TRUTH_PORT = 8081
HOST_HEADER = "example.test"
DOCUMENT_ROOT = "/var/www/hybrid"
# hybrid.web.php's data per distribution release (Debian-12.yml, Debian-13.yml), the same files the role loads.
PHP_ROLE_VARS = Path(__file__).resolve().parents[3] / "roles" / "php" / "vars"


@pytest.fixture(scope="module")
def host(_testinfra_host: Host) -> Host:
    """The host under test, its commands run with `podman exec`.

    Molecule's inventory reaches the containers through containers.podman.podman, a connection testinfra cannot
    drive itself, so its ansible backend would start an ansible run for each command (about 1.5 s; a verify makes
    hundreds). The inventory's variables still come through that backend.
    """
    name = _testinfra_host.backend.get_hostname()
    connection = _testinfra_host.ansible.get_variables().get("ansible_connection")
    assert connection in ("podman", "containers.podman.podman"), f"{name}: the tests need podman, not {connection}"
    podman_host = testinfra.get_host(f"podman://{name}")
    podman_host.ansible = _testinfra_host.ansible
    return podman_host


def distribution_php_version(host: Host) -> str:
    """The PHP version hybrid.web.php installs on this host's release when php_version is empty (8.2 on Debian 12)."""
    info = host.system_info
    release = PHP_ROLE_VARS / f"{info.distribution.capitalize()}-{info.release.split('.')[0]}.yml"
    return str(yaml.safe_load(release.read_text())["__php_version"])


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    @property
    def served_by(self) -> str:
        """'php' or 'python' as the example pages say, '' for Apache itself (static files, errors)."""
        return self.headers.get("x-served-by", "")

    @property
    def environ(self) -> dict[str, str]:
        """What the Python app saw, as it reports it in X-Hybrid-Environ."""
        return json.loads(self.headers["x-hybrid-environ"])


BOUNDARY = "--hybrid-web-test-boundary--"


_TLS_PORTS: dict[str, int] = {}


def tls_port(host: Host) -> int:
    """The host's HTTPS port, or 0 where the site is plain HTTP (cached: reading host vars costs a connection)."""
    name = host.backend.get_hostname()
    if name not in _TLS_PORTS:
        variables = host.ansible.get_variables()
        _TLS_PORTS[name] = (
            variables.get("hybrid_site_tls_port", 443) if variables.get("hybrid_site_tls_certificate") else 0
        )
    return _TLS_PORTS[name]


def _curl(path: str, port: int, method: str, https_port: int) -> str:
    """On an HTTPS site the requests go to HTTPS (the plain vhost only redirects), the site's port and 8081 alike."""
    if https_port:
        url = f"https://127.0.0.1:{https_port if port == HYBRID_PORT else port}{path}"
    else:
        url = f"http://127.0.0.1:{port}{path}"
    # --path-as-is: send dot segments and double slashes to Apache untouched; -k: the tests' self-signed certificate.
    return "curl -sS -k --path-as-is -i -X {} -H {} {}".format(
        method, shlex.quote(f"Host: {HOST_HEADER}"), shlex.quote(url)
    )


def _parse(raw: str) -> Response:
    head, _separator, body = raw.partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    headers = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status=int(status_line.split()[1]), headers=headers, body=body)


def fetch_many(host: Host, requests: list[tuple[str, int]], method: str = "GET") -> list[Response]:
    """Make the requests from inside the host in one command (each command costs a connection)."""
    https_port = tls_port(host)
    script = "; ".join(
        f"{_curl(path, port, method, https_port)}; printf %s {shlex.quote(BOUNDARY)}" for path, port in requests
    )
    result = host.run(script)
    assert result.rc == 0, f"{script}: {result.stderr}"
    raws = result.stdout.split(BOUNDARY)[: len(requests)]
    assert len(raws) == len(requests), result.stdout
    return [_parse(raw) for raw in raws]


def fetch(host: Host, path: str, port: int = HYBRID_PORT, method: str = "GET") -> Response:
    return fetch_many(host, [(path, port)], method)[0]


Fetch = Callable[..., Response]


@pytest.fixture
def get(host: Host) -> Fetch:
    """fetch() bound to the container under test."""

    def _get(path: str, port: int = HYBRID_PORT, method: str = "GET") -> Response:
        return fetch(host, path, port, method)

    return _get


@dataclass
class Expect:
    """What a host must do, from its inventory: the role inputs, and test_expect set by hand."""

    mode: str
    mount: str
    php_prefix: str
    moved: list[str]
    extra_apps: list[dict[str, object]]
    php_mode: str
    # The PHP version on the host: php_version from the inventory, else the release's own (php8.2-fpm, php8.4-fpm).
    php_version: str
    main_app: str = "hybrid"
    main_user: str = "hybrid-wsgi"
    # The main app's virtualenv ('' without requirements), environment, and Apache-served static directories.
    app_venv: str = ""
    app_env: dict[str, str] = field(default_factory=dict)
    app_secret: str = ""
    static_aliases: list[dict[str, str]] = field(default_factory=list)
    # Where mod_wsgi comes from: Debian's package, or built from PyPI into a virtualenv.
    mod_wsgi_source: str = "debian"
    mod_wsgi_pip_version: str = "6.1.1"
    mod_wsgi_pip_venv: str = "/opt/hybrid-web/mod_wsgi"

    @property
    def fallback(self) -> bool:
        return self.mode in ("root", "cutover")


@pytest.fixture(scope="module")
def expect(host: Host) -> Expect:
    variables = host.ansible.get_variables()
    return Expect(
        mode=variables.get("hybrid_site_mode", "root"),
        mount=variables["test_expect"]["mount"],
        php_prefix=variables["test_expect"]["php_prefix"],
        moved=list(variables.get("hybrid_site_python_urls", [])),
        extra_apps=list(variables.get("hybrid_site_extra_apps", [])),
        php_mode=variables.get("php_mode", "fpm"),
        php_version=variables.get("php_version") or distribution_php_version(host),
        main_app=variables["test_expect"].get("main_app", "hybrid"),
        main_user=variables["test_expect"].get("main_user", "hybrid-wsgi"),
        # The role's default, restated: the venv sits beside the app's home.
        app_venv=(
            variables.get("hybrid_site_app_venv", variables.get("hybrid_site_app_dir", "") + "-venv")
            if variables.get("hybrid_site_app_requirements")
            else ""
        ),
        app_env=dict(variables.get("hybrid_site_app_env", {})),
        # The inventory's values come back untemplated ('{{ test_app_secret }}'): the secret itself is a test var.
        app_secret=variables.get("test_app_secret", ""),
        static_aliases=list(variables.get("hybrid_site_static_aliases", [])),
        mod_wsgi_source=variables.get("mod_wsgi_source", "debian"),
        mod_wsgi_pip_version=variables.get("mod_wsgi_pip_version", "6.1.1"),
        mod_wsgi_pip_venv=variables.get("mod_wsgi_pip_venv", "/opt/hybrid-web/mod_wsgi"),
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """On a failure, attach what the host logged: Apache's journal and error logs, php-fpm's journal."""
    report = yield
    host = item.funcargs.get("host") if hasattr(item, "funcargs") else None
    if report.failed and call.when == "call" and host is not None:
        logs = host.run(
            "journalctl --no-pager -n 30 -u apache2 -u 'php*-fpm'; "
            "tail -n 30 /var/log/apache2/error.log /var/log/apache2/*-error.log"
        )
        report.sections.append(("host logs", logs.stdout + logs.stderr))
    return report
