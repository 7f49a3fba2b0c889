"""A fleet behind HAProxy, changed with hybrid.web.rolling while a client on the load balancer's loopback counts
failed requests (molecule/fleet).

Rolls, in order, the first two with traffic through HAProxy (static, PHP, Python and the page that moves):
1. a change: a new ServerAlias in the vhost and /page-2.php moved from PHP to Python, a host at a time;
2. a broken batch: the second host gets an app whose module fails to import; the roll must stop there, with that
   host out of rotation, the host before it serving the change and the host after it untouched;
3. back to the inventory's settings, the three hosts in one batch (no traffic: the whole fleet is out of rotation
   then), which repairs the broken host; the third host, which an operator has put into MAINT by hand before this
   roll, is converged too but must stay in MAINT.
No request through the load balancer may fail in rolls 1 and 2. Scale: the converge wall time of a one-host batch
(roll 1) against that of the three-host batch (roll 3), which must be well under three times as long.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from controller import PROJECT, container_exec, host_results, inventory_hosts, run_playbook, start_traffic, stop_traffic

if os.environ.get("HYBRID_WEB_FLEET_TESTS") != "1":
    pytest.skip("fleet tests run in the scenario that sets HYBRID_WEB_FLEET_TESTS=1", allow_module_level=True)

PATHS = {"static": "/robots.txt", "php": "/page-1.php", "python": "/hello", "moved": "/page-2.php"}
CHANGE = {"hybrid_site_server_aliases": ["www.example.test"], "hybrid_site_python_urls": ["/page-2.php"]}
BROKEN_APP = "raise ImportError('deliberately broken release (tests/test_fleet.py)')\n"


def _servers(lb: str) -> dict[str, str]:
    """HAProxy's status of each server of the backend (UP, MAINT, DRAIN, DOWN...), from its runtime API."""
    stat = container_exec(lb, "sh", "-c", "echo 'show stat' | socat stdio unix-connect:/run/haproxy/admin.sock")
    rows = [line.split(",") for line in stat.splitlines() if line.startswith("hybrid_web,")]
    return {row[1]: row[17] for row in rows if row[1] != "BACKEND"}


def _set_server_state(lb: str, server: str, state: str) -> None:
    """What an operator does on the load balancer: `set server` through HAProxy's runtime API."""
    command = f"echo 'set server hybrid_web/{server} state {state}' | socat stdio unix-connect:/run/haproxy/admin.sock"
    assert container_exec(lb, "sh", "-c", command).strip() == ""


def _served_by(container: str, path: str) -> tuple[str, str]:
    """Status and X-Served-By of a request made on the container's loopback."""
    out = container_exec(
        container,
        "curl", "-s", "-o", "/dev/null", "-H", "Host: example.test", "-w", "%{http_code} %header{x-served-by}",
        f"http://127.0.0.1{path}",
    )  # fmt: skip
    status, _space, served_by = out.partition(" ")
    return status, served_by


class Roll:
    """One ansible-playbook run of hybrid.web.rolling, with the traffic that ran through the load balancer."""

    def __init__(self, report: dict[str, Any], seconds: float, log: list[tuple[float, float, str, int]]) -> None:
        self.report, self.seconds, self.log = report, seconds, log

    def stats(self, host: str) -> dict[str, int]:
        stats: dict[str, int] = self.report["stats"].get(host, {})
        return stats

    def summary(self) -> str:
        parts = []
        for kind, path in PATHS.items():
            statuses = [status for _started, _finished, logged, status in self.log if logged == path]
            parts.append(f"{kind} {len(statuses)} sent, {sum(status != 200 for status in statuses)} failed")
        return f"roll took {self.seconds:.0f}s; " + "; ".join(parts)


def _roll(
    workdir: Path, lb: str, *options: str, host_vars: dict[str, dict[str, Any]] | None = None, traffic: bool = True
) -> Roll:
    """hybrid.web.rolling on the scenario's inventory, with traffic through HAProxy on the LB's loopback."""
    inventories = [Path(os.environ["MOLECULE_INVENTORY_FILE"])]
    if host_vars:
        inventories.append(workdir / "host_vars.yml")
        inventories[-1].write_text(yaml.safe_dump({"all": {"hosts": host_vars}}))
    if traffic:
        start_traffic(lb, list(PATHS.values()), seconds=900)
        time.sleep(1)
    started = time.monotonic()
    report = run_playbook("hybrid.web.rolling", inventories, "-f", "5", *options)
    seconds = time.monotonic() - started
    if not traffic:
        return Roll(report, seconds, [])
    time.sleep(1)
    return Roll(report, seconds, stop_traffic(lb))


def _task_times(report: dict[str, Any], name: str, edge: str) -> dict[str, str]:
    """When the task named `name` started or ended ('start'/'end', ISO times) for each host; serial gives each
    batch its own entry of the task."""
    return {
        host: task["task"]["duration"][edge]
        for play in report["plays"]
        for task in play["tasks"]
        if task["task"]["name"] == name
        for host in task["hosts"]
    }


def _span(report: dict[str, Any], hosts: list[str]) -> float:
    """Seconds from the first task of the hosts (fact gathering) to the end of their last one, in one run."""
    times = [
        task["task"]["duration"][edge]
        for play in report["plays"]
        for task in play["tasks"]
        if set(hosts) & set(task["hosts"])
        for edge in ("start", "end")
    ]
    first, last = datetime.fromisoformat(min(times)), datetime.fromisoformat(max(times))
    return (last - first).total_seconds()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    (lb,) = inventory_hosts("hybrid_web_lb")
    web = sorted(inventory_hosts("fleet_web"))
    assert len(web) == 3, web
    broken_app = tmp_path_factory.mktemp("broken-app")
    shutil.copytree(PROJECT / "examples" / "python-app", broken_app, dirs_exist_ok=True)
    (broken_app / "hybridapp" / "wsgi.py").write_text(BROKEN_APP)
    change = ["-e", json.dumps(CHANGE)]

    result: dict[str, Any] = {"lb": lb, "web": web}
    result["change"] = _roll(tmp_path_factory.mktemp("change"), lb, *change)
    result["moved_after_change"] = [_served_by(lb, PATHS["moved"]) for _request in range(6)]
    reloads = "grep -c AH00493 /var/log/apache2/error.log || true"
    result["third_reloads_before_broken"] = container_exec(web[2], "sh", "-c", reloads)
    result["broken"] = _roll(
        tmp_path_factory.mktemp("broken"), lb, *change, host_vars={web[1]: {"hybrid_site_app_src": str(broken_app)}}
    )
    result["servers_after_broken"] = _servers(lb)
    result["broken_host_python"] = _served_by(web[1], PATHS["python"])
    result["lb_python_after_broken"] = [_served_by(lb, PATHS["python"]) for _request in range(6)]
    result["third_reloads_after_broken"] = container_exec(web[2], "sh", "-c", reloads)
    _set_server_state(lb, web[2], "maint")
    result["restore"] = _roll(tmp_path_factory.mktemp("restore"), lb, "-e", "hybrid_web_rolling_batch=3", traffic=False)
    result["servers_after_restore"] = _servers(lb)
    _set_server_state(lb, web[2], "ready")
    return result


@pytest.mark.parametrize("roll", ["change", "broken"])
def test_no_request_through_the_load_balancer_fails(fleet: dict[str, Any], roll: str) -> None:
    log = fleet[roll].log
    print(f"{roll}: {fleet[roll].summary()}")
    for kind, path in PATHS.items():
        assert len([status for _started, _finished, logged, status in log if logged == path]) > 50, (
            f"too little {kind} traffic to tell: {fleet[roll].summary()}"
        )
    assert [request for request in log if request[3] != 200] == [], fleet[roll].summary()


def test_the_change_reached_every_host_a_host_at_a_time(fleet: dict[str, Any]) -> None:
    change = fleet["change"]
    for host in fleet["web"]:
        assert change.stats(host)["failures"] == 0, host_results(change.report, host)
        assert change.stats(host)["changed"] > 0, f"{host}: the roll changed nothing"
    # Each host's time out of rotation, from leaving the load balancer to HAProxy finding it up again: with
    # batches of one, these never overlap.
    out = _task_times(change.report, "Take the host out of the load balancer", "start")
    back = _task_times(change.report, "Wait for HAProxy's health checks to find the host up", "end")
    windows = sorted((out[host], back[host], host) for host in fleet["web"])
    print("out of rotation: " + ", ".join(f"{host} {start[11:19]}-{end[11:19]}" for start, end, host in windows))
    for (_start, end, host), (start, _end, next_host) in pairwise(windows):
        assert end <= start, f"{next_host} left the load balancer before {host} was back"
    assert fleet["moved_after_change"] == [("200", "python")] * 6


def test_a_broken_batch_stops_the_roll_with_its_host_out_of_rotation(fleet: dict[str, Any]) -> None:
    broken, (first, second, third) = fleet["broken"], fleet["web"]
    print(f"HAProxy after the broken roll: {fleet['servers_after_broken']}")
    assert broken.stats(first)["failures"] == 0, host_results(broken.report, first)
    assert broken.stats(second)["failures"] > 0, "the broken release did not fail its host's checks"
    assert host_results(broken.report, third) == [], "the roll went on past the broken batch"
    assert fleet["servers_after_broken"] == {first: "UP", second: "MAINT", third: "UP"}
    # The broken host itself fails its Python requests; the load balancer sends none there.
    assert fleet["broken_host_python"][0] == "500", fleet["broken_host_python"]
    assert fleet["lb_python_after_broken"] == [("200", "python")] * 6
    # Apache on the host after the broken batch was not even reloaded.
    assert fleet["third_reloads_after_broken"] == fleet["third_reloads_before_broken"]


def test_a_good_roll_repairs_the_fleet_and_leaves_an_operators_maint_alone(fleet: dict[str, Any]) -> None:
    restore, (first, second, third) = fleet["restore"], fleet["web"]
    for host in fleet["web"]:
        assert restore.stats(host)["failures"] == 0, host_results(restore.report, host)
    # The third host had the change of the first roll: undoing it shows that the roll converged it in MAINT.
    assert restore.stats(third)["changed"] > 0, "the roll skipped the host an operator had put into MAINT"
    assert fleet["servers_after_restore"] == {first: "UP", second: "UP", third: "MAINT"}


def test_a_batch_converges_its_hosts_in_parallel(fleet: dict[str, Any]) -> None:
    one = [_span(fleet["change"].report, [host]) for host in fleet["web"]]
    three = _span(fleet["restore"].report, fleet["web"])
    print(
        "converge wall time, fact gathering to the host back in HAProxy: one-host batches of the change roll "
        + ", ".join(f"{seconds:.1f}s" for seconds in one)
        + f"; the three hosts in one batch (the restoring roll, forks 5) {three:.1f}s"
    )
    # The three hosts one after the other would take about three times as long as one.
    assert three < 2.5 * (sum(one) / len(one))
