"""No dropped requests: PHP, static and Python traffic on the host's loopback while the site is disrupted.

Disruptions, in order: a re-converge that deploys an app code change (the app's daemons restart) and changes the
vhost (Apache reloads gracefully); a kill -9 of one daemon process; a re-converge back to the original vhost.
PHP and static requests must never fail; Python requests may fail only in the seconds after the kill, until the
daemon is back, and must then recover by themselves.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from controller import PROJECT, container_exec, host_results, inventory_hosts, run_site, start_traffic, stop_traffic

if os.environ.get("HYBRID_WEB_DISRUPTION_TESTS") != "1":
    pytest.skip("disruption tests run in the scenario that sets HYBRID_WEB_DISRUPTION_TESTS=1", allow_module_level=True)

PATHS = {"php": "/page-1.php", "static": "/robots.txt", "python": "/hello"}
KILL_RECOVERY_BOUND = 10.0  # seconds the Python app may take to answer again after a daemon is killed
NEW_RELEASE = "a new release of the app"
# Seconds after the deploy within which every daemon process must run the new code: the daemons finish their
# requests for up to the graceful timeout (15 s by default) before they restart.
RELEASE_BOUND = 25.0


def _converge(workdir: Path, container: str, settings: dict[str, Any]) -> tuple[float, float]:
    started = time.time()
    report = run_site(workdir, {"disrupted": (container, settings)})
    stats = report["stats"]["disrupted"]
    assert stats["failures"] == 0, host_results(report, "disrupted")
    assert stats["changed"] > 0, "the re-converge changed nothing, so it disrupted nothing"
    return started, time.time()


@pytest.fixture(scope="module")
def disrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    (container,) = inventory_hosts("hybrid_web")
    changed_app = tmp_path_factory.mktemp("app")
    shutil.copytree(PROJECT / "examples" / "python-app", changed_app, dirs_exist_ok=True)
    (changed_app / "hybridapp" / "release.txt").write_text(NEW_RELEASE + "\n")

    apache_before = container_exec(container, "cat", "/run/apache2/apache2.pid").strip()
    start_traffic(container, list(PATHS.values()))
    time.sleep(2)
    phases = {
        "code change and vhost reload": _converge(
            tmp_path_factory.mktemp("converge"),
            container,
            {"hybrid_site_app_src": str(changed_app), "hybrid_site_server_aliases": ["www.example.test"]},
        )
    }
    released = _seconds_until_release(container, phases["code change and vhost reload"][1])
    killed = time.time()
    container_exec(container, "pkill", "-9", "-o", "-f", r"\(wsgi:hybrid\)")
    time.sleep(KILL_RECOVERY_BOUND)
    phases["kill -9 of one daemon process"] = (killed, time.time())
    phases["vhost reload back"] = _converge(tmp_path_factory.mktemp("converge"), container, {})
    time.sleep(2)
    log = stop_traffic(container)
    return {
        "log": log,
        "phases": phases,
        "released": released,
        "killed": killed,
        "apache_before": apache_before,
        "apache_after": container_exec(container, "cat", "/run/apache2/apache2.pid").strip(),
    }


def _seconds_until_release(container: str, deployed: float) -> float | None:
    """Seconds from the end of the deploy until five answers in a row come from the new code (None: never)."""
    in_a_row = 0
    while time.time() < deployed + RELEASE_BOUND:
        headers = container_exec(container, "curl", "-s", "-o", "/dev/null", "-D", "-", "-H", "Host: example.test",
                                 "http://127.0.0.1/hello")  # fmt: skip
        in_a_row = in_a_row + 1 if f"x-app-release: {NEW_RELEASE}" in headers.lower() else 0
        if in_a_row == 5:
            return time.time() - deployed
        time.sleep(0.2)
    return None


def _summary(disrupted: dict[str, Any]) -> str:
    lines = []
    for kind, path in PATHS.items():
        statuses = [status for _started, _finished, logged, status in disrupted["log"] if logged == path]
        lines.append(f"{kind}: {len(statuses)} sent, {sum(status != 200 for status in statuses)} failed")
    return "; ".join(lines)


def _phases_from(disrupted: dict[str, Any], moment: float) -> dict[str, tuple[float, float]]:
    return {
        name: (round(start - moment, 1), round(end - moment, 1)) for name, (start, end) in disrupted["phases"].items()
    }


@pytest.mark.parametrize("kind", ["php", "static"])
def test_no_php_or_static_request_is_lost(disrupted: dict[str, Any], kind: str) -> None:
    requests = [(started, status) for started, _finished, path, status in disrupted["log"] if path == PATHS[kind]]
    start, end = (
        min(phase[0] for phase in disrupted["phases"].values()),
        max(phase[1] for phase in disrupted["phases"].values()),
    )
    assert len([started for started, _status in requests if start <= started <= end]) > 100, _summary(disrupted)
    assert [status for _started, status in requests if status != 200] == [], _summary(disrupted)


def test_python_fails_only_while_a_killed_daemon_restarts(disrupted: dict[str, Any]) -> None:
    killed = disrupted["killed"]
    python = [
        (started, finished, status) for started, finished, path, status in disrupted["log"] if path == PATHS["python"]
    ]
    # A request in flight in the killed process fails too, although it started before the kill.
    before = [
        (round(started - killed, 2), status)
        for started, finished, status in python
        if status != 200 and finished < killed
    ]
    assert before == [], f"Python requests failed before the kill: {before}; {_summary(disrupted)}"
    failed_after = [
        (started - killed, finished - killed, status)
        for started, finished, status in python
        if status != 200 and finished >= killed
    ]
    recovered = max((finished for _started, finished, _status in failed_after), default=0.0)
    shown = [(round(started, 2), round(finished, 2), status) for started, finished, status in failed_after[:20]]
    assert recovered <= KILL_RECOVERY_BOUND, (
        f"Python still failing {recovered:.1f}s after the kill; failed (start, end, status) in seconds from the kill: "
        f"{shown}; phases: {_phases_from(disrupted, killed)}"
    )
    late = [
        started for started, _finished, status in python if status == 200 and started > killed + KILL_RECOVERY_BOUND
    ]
    assert late, "no Python request succeeded after the killed daemon's restart window"
    print(
        f"{_summary(disrupted)}; after kill -9, {len(failed_after)} Python requests failed, "
        f"the last {recovered:.2f}s after the kill"
    )


def test_a_code_change_restarts_the_app_with_the_new_code(disrupted: dict[str, Any]) -> None:
    assert disrupted["released"] is not None, f"the old code still answered {RELEASE_BOUND:.0f}s after the deploy"
    print(f"the new code answered {disrupted['released']:.1f}s after the deploy")


def test_apache_was_only_reloaded_never_restarted(disrupted: dict[str, Any]) -> None:
    assert disrupted["apache_after"] == disrupted["apache_before"]
