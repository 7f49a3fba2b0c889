"""Real frameworks at the root of the PHP site: a Django project with its admin, and a Flask app.

Every URL they build (links, form actions, redirects) must be free of main.py and right for the mount point, their
static files must come from Apache, their framework from the app's virtualenv, and the PHP site must still be PHP's.
Last, a code change from the app's own source (a new git tag, a new archive) restarts that app's daemons only, while
a PHP page requested in a loop on every host never fails.
Runs where the scenario sets HYBRID_WEB_FRAMEWORK_TESTS=1 (molecule/frameworks), on each host as its
`test_framework` host var says.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Fetch
from controller import (
    PROJECT,
    container_exec,
    host_results,
    inventory_hosts,
    run_site,
    start_traffic,
    stop_traffic,
)
from testinfra.host import Host

if os.environ.get("HYBRID_WEB_FRAMEWORK_TESTS") != "1":
    pytest.skip("framework tests run in the scenario that sets HYBRID_WEB_FRAMEWORK_TESTS=1", allow_module_level=True)

SCENARIO = Path(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", "."))
NEW_RELEASE = "second"
# Where each example app reports what it runs on (its release, its virtualenv, the SCRIPT_NAME it saw), as JSON.
PYTHON_REPORT = {"django": "/python/", "flask": "/flask/python"}
PHP_PAGE = "/page-1.php"  # requested in a loop on every host while the new release deploys: none may fail
# Seconds after the deploy within which the daemons answer with the new code (graceful timeout 15 s by default).
RELEASE_BOUND = 25.0


@pytest.fixture(scope="module")
def framework(host: Host) -> str:
    name: str = host.ansible.get_variables().get("test_framework", "")
    return name


@pytest.fixture
def django_host(framework: str) -> None:
    if framework != "django":
        pytest.skip("not the Django host")


@pytest.fixture
def flask_host(framework: str) -> None:
    if framework != "flask":
        pytest.skip("not the Flask host")


def _links(body: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', body)


def _apache_log_handler(host: Host, path: str) -> str:
    """The handler the vhost's access log names (its last field, %R) for the last request of path."""
    log = host.file("/var/log/apache2/hybrid-access.log").content_string
    lines = [line for line in log.splitlines() if f" {path} " in line]
    assert lines, f"no request of {path} in the access log"
    return lines[-1].rsplit(" ", 1)[-1]


def test_django_admin_login_page_links_are_free_of_main_py(host: Host, get: Fetch, django_host: None) -> None:
    page = get("/admin/login/")
    assert page.status == 200, page
    assert re.search(r'<form[^>]* action="/admin/login/"', page.body), page.body
    links = _links(page.body)
    assert links, page.body
    assert not [link for link in links if "main.py" in link], links
    assert "/static/admin/css/base.css" in links, links


def test_django_append_slash_redirect_is_free_of_main_py(get: Fetch, django_host: None) -> None:
    answer = get("/admin")
    assert answer.status == 301, answer
    assert answer.headers["location"] == "/admin/", answer.headers


def test_django_admin_redirects_to_login_with_the_right_next(get: Fetch, django_host: None) -> None:
    answer = get("/admin/")
    assert answer.status == 302, answer
    assert answer.headers["location"] == "/admin/login/?next=/admin/", answer.headers


def test_django_reversed_urls_in_a_page(get: Fetch, django_host: None) -> None:
    page = get("/links/")
    assert page.status == 200, page
    assert _links(page.body) == ["/links/", "/admin/login/"], page.body


def test_flask_url_for_links_and_redirect_are_free_of_main_py(get: Fetch, flask_host: None) -> None:
    page = get("/flask/hello")
    assert page.status == 200, page
    assert _links(page.body) == ["/flask/hello", "/flask-static/style.css"], page.body
    answer = get("/flask/go")
    assert answer.status == 302, answer
    # Werkzeug 2.1+ sends a relative Location; either way it must be the app's URL at the mount point.
    assert answer.headers["location"] in ("/flask/hello", "http://example.test/flask/hello"), answer.headers


@pytest.mark.parametrize("framework_name", ["django", "flask"])
def test_static_files_are_served_by_apache(host: Host, get: Fetch, framework: str, framework_name: str) -> None:
    if framework != framework_name:
        pytest.skip(f"not the {framework_name} host")
    path = "/static/admin/css/base.css" if framework == "django" else "/flask-static/style.css"
    answer = get(path)
    assert answer.status == 200, answer
    # Apache's own file handler answers (no mod_wsgi handler in the log), without the headers the frameworks add.
    assert "wsgi" not in _apache_log_handler(host, path)
    assert "x-frame-options" not in answer.headers, answer.headers
    assert answer.headers.get("accept-ranges") == "bytes", answer.headers


def test_php_pages_are_still_php(host: Host, get: Fetch, framework: str) -> None:
    for path in ("/", "/page-1.php"):
        answer = get(path)
        assert answer.status == 200, (path, answer)
        assert answer.served_by == "php", (path, answer.headers)
    handler = _apache_log_handler(host, "/page-1.php")
    assert "proxy" in handler or "php" in handler, handler


def _python(get: Fetch, framework: str) -> dict[str, Any]:
    answer = get(PYTHON_REPORT[framework])
    assert answer.status == 200, answer
    result: dict[str, Any] = json.loads(answer.body)
    return result


def test_the_framework_is_imported_from_the_app_virtualenv(get: Fetch, framework: str) -> None:
    seen = _python(get, framework)
    assert seen["prefix"] == "/srv/hybrid-web/app-venv", seen
    assert seen["framework"].startswith("/srv/hybrid-web/app-venv/lib/"), seen
    assert seen["script_name"] == "", seen


def _state(container: str) -> dict[str, Any]:
    """The processes a release may restart or must not: Apache's parent, php-fpm's master, the app's daemons."""
    return {
        "apache": container_exec(container, "cat", "/run/apache2/apache2.pid").strip(),
        "php-fpm": container_exec(container, "sh", "-c", "cat /run/php/php*-fpm.pid").strip(),
        "daemons": set(container_exec(container, "pgrep", "--full", r"^\(wsgi:hybrid\)").split()),
    }


def _release_answered(container: str, framework: str) -> str:
    """The release the app reports, '' while it does not answer."""
    body = container_exec(
        container, "curl", "-s", "-H", "Host: example.test", f"http://127.0.0.1{PYTHON_REPORT[framework]}"
    )
    try:
        release: str = json.loads(body)["release"]
    except (ValueError, KeyError):
        return ""
    return release


def _release(container: str, workdir: Path, framework: str) -> dict[str, Any]:
    """A new release from the app's own source: a new tag in the git repository, or a new archive."""
    if framework == "django":
        container_exec(
            container, "sh", "-ec",
            "rm -rf /tmp/release && git clone -q /srv/git/djangosite.git /tmp/release && cd /tmp/release"
            f" && echo {NEW_RELEASE} > djangosite/release.txt && git add -A"
            " && git -c user.name=test -c user.email=test@example.test commit -q -m 'A new release'"
            " && git tag v2 && git push -q origin HEAD:main v2",
        )  # fmt: skip
        return {"hybrid_site_app_git_version": "v2"}
    source = workdir / "flask-app"
    subprocess.run(["cp", "-r", str(PROJECT / "examples" / "flask-app"), str(source)], check=True)
    (source / "flaskapp" / "release.txt").write_text(NEW_RELEASE + "\n")
    archive = workdir / "flaskapp-2.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname=".")
    return {"hybrid_site_app_archive": str(archive)}


def _host_vars(container: str) -> dict[str, Any]:
    """The scenario's host_vars of the host: its file, or every file of its directory as Ansible reads them."""
    directory = SCENARIO / "host_vars" / container
    files = sorted(directory.glob("*.yml")) if directory.is_dir() else [SCENARIO / "host_vars" / f"{container}.yml"]
    settings: dict[str, Any] = {}
    for file in files:
        settings.update(yaml.safe_load(file.read_text()))
    return settings


@pytest.fixture(scope="session")
def release_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """A new release of the app on every framework host, deployed by one run of hybrid.web.site (the hosts in
    parallel, as an operator's run would); per host, what it ran and looked like around the run."""
    workdir = tmp_path_factory.mktemp("release")
    seen: dict[str, dict[str, Any]] = {}
    aliases = {}
    for container in inventory_hosts("frameworks"):
        settings = _host_vars(container)
        framework = settings["test_framework"]
        seen[container] = {
            "framework": framework,
            "before": _state(container),
            "release before": _release_answered(container, framework),
        }
        (workdir / container).mkdir()
        aliases[container] = (container, {**settings, **_release(container, workdir / container, framework)})
    for container in seen:
        start_traffic(container, [PHP_PAGE])
    report = run_site(workdir, aliases)
    deployed = time.time()
    waiting = set(seen)
    while waiting and time.time() - deployed < RELEASE_BOUND:
        for container in sorted(waiting):
            if _release_answered(container, seen[container]["framework"]) == NEW_RELEASE:
                seen[container]["released after"] = time.time() - deployed
                waiting.discard(container)
        time.sleep(1)
    for container, host_seen in seen.items():
        host_seen["php statuses"] = [status for _started, _finished, _path, status in stop_traffic(container)]
        host_seen["failures"] = report["stats"][container]["failures"]
        host_seen["results"] = host_results(report, container)
        host_seen["after"] = _state(container)
    return seen


def test_a_code_change_restarts_only_the_app_daemons(host: Host, get: Fetch, release_run: dict[str, Any]) -> None:
    seen = release_run[host.backend.get_hostname()]
    assert seen["release before"] == "first", seen
    assert seen["failures"] == 0, seen["results"]
    changed = [task for task, result in seen["results"] if result.get("changed")]
    assert any("restart gracefully" in task.lower() for task in changed), changed
    assert "released after" in seen, f"the old code still answered {RELEASE_BOUND} s after the deploy"
    before, after = seen["before"], seen["after"]
    assert before["daemons"], before
    assert (after["apache"], after["php-fpm"]) == (before["apache"], before["php-fpm"]), (before, after)
    assert not before["daemons"] & after["daemons"], "a daemon process kept running the old code"
    assert get(PHP_PAGE).served_by == "php"
    php = seen["php statuses"]
    assert len(php) > 100, f"only {len(php)} PHP requests during the release"
    assert [status for status in php if status != 200] == [], f"{len(php)} PHP requests during the release"
    print(f"the new release answered {seen['released after']:.1f} s after the deploy; {len(php)} PHP requests, all 200")
