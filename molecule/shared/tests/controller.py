"""Runs of hybrid.web.site from the controller, as an operator makes them, and what a host looked like around them.

A run targets inventory aliases of the scenario's containers: each alias carries its own settings as host vars and
the shared group_vars, so one ansible-playbook run tries many settings at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", "."))
SHARED_GROUP_VARS = Path(__file__).resolve().parents[1] / "group_vars"

# What must not move: every file the roles manage (content, mode, owner, link target), the installed packages,
# the Apache and php-fpm master processes, the number of graceful reloads, and what the site answers.
SNAPSHOT = r"""
find /etc/apache2 /etc/php /var/www/hybrid /srv/hybrid-web /usr/local/sbin /etc/passwd /etc/group \
    -printf '%p %m %u:%g %l\n' 2>/dev/null | sort
find /etc/apache2 /etc/php /var/www/hybrid /srv/hybrid-web /usr/local/sbin -type f -print0 2>/dev/null | sort -z \
    | xargs -0 -r sha256sum
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n'
echo "apache master $(cat /run/apache2/apache2.pid 2>/dev/null)"
echo "php-fpm master $(cat /run/php/php*-fpm.pid 2>/dev/null)"
echo "graceful reloads $(grep -c AH00493 /var/log/apache2/error.log 2>/dev/null)"
for url in / /robots.txt /page-1.php /page-2.php /hello /anything/else; do
    echo "GET $url $(curl -s -o /tmp/body -w '%{http_code}' -H 'Host: example.test' http://127.0.0.1$url)" \
        "$(sha256sum < /tmp/body)"
done
"""


def inventory_hosts(group: str) -> list[str]:
    """The scenario's hosts in one inventory group."""
    listing = subprocess.run(
        ["ansible-inventory", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "--list"],
        check=True,
        capture_output=True,
        text=True,
    )
    hosts: list[str] = json.loads(listing.stdout).get(group, {}).get("hosts", [])
    return hosts


def reference_host() -> str:
    """The converged Debian 12 host: the hybrid_web host outside the `trixie` group.

    The runs that take minutes (the bad-input catalogue, the disruptions) target it alone, to keep `make test` within
    its time budget; the trixie host gets every host test and the check-mode run.
    """
    second_platform = inventory_hosts("trixie")
    (host,) = [name for name in inventory_hosts("hybrid_web") if name not in second_platform]
    return host


def snapshot(container: str) -> list[str]:
    result = subprocess.run(
        ["podman", "exec", container, "bash", "-c", SNAPSHOT], check=True, capture_output=True, text=True
    )
    return result.stdout.splitlines()


def differences(before: list[str], after: list[str]) -> str:
    return "\n".join(
        [f"- {line}" for line in before if line not in after] + [f"+ {line}" for line in after if line not in before]
    )


def run_site(workdir: Path, aliases: dict[str, tuple[str, dict[str, Any]]], *options: str) -> dict[str, Any]:
    """Run hybrid.web.site on aliases {alias: (container, settings)}; the ansible.posix.json report."""
    hosts = {
        alias: {
            "ansible_host": container,
            "ansible_connection": "containers.podman.podman",
            "ansible_python_interpreter": "/usr/bin/python3",
            **settings,
        }
        for alias, (container, settings) in aliases.items()
    }
    (workdir / "group_vars").symlink_to(SHARED_GROUP_VARS)
    (workdir / "hosts.yml").write_text(yaml.safe_dump({"hybrid_web": {"hosts": hosts}}))
    return run_playbook("hybrid.web.site", [workdir / "hosts.yml"], "-f", str(len(hosts)), *options)


def run_playbook(playbook: str, inventories: list[Path], *options: str) -> dict[str, Any]:
    """Run a collection playbook on the inventories (later ones add host vars); the ansible.posix.json report."""
    sources = [argument for inventory in inventories for argument in ("-i", str(inventory))]
    run = subprocess.run(
        ["ansible-playbook", *sources, *options, playbook],
        check=False,  # a failed run is what the callers examine
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={
            **os.environ,
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_COLLECTIONS_PATH": str(PROJECT / ".cache" / "collections"),
        },
    )
    assert run.stdout.startswith("{"), run.stdout + run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def host_results(report: dict[str, Any], alias: str) -> list[tuple[str, dict[str, Any]]]:
    """(task name without its role, result) of every task the alias ran, in order."""
    return [
        (task["task"]["name"].split(" : ", 1)[-1], task["hosts"][alias])
        for play in report["plays"]
        for task in play["tasks"]
        if alias in task["hosts"]
    ]


def messages(result: dict[str, Any]) -> Iterator[str]:
    """Every text a failed task shows the operator: its message, output and per-item messages."""
    for key in ("msg", "stderr", "stdout", "module_stderr"):
        if isinstance(result.get(key), str):
            yield result[key]
    for item in result.get("results", []):
        yield from messages(item)


TRAFFIC = Path(__file__).resolve().parents[1] / "files" / "traffic.py"


def container_exec(container: str, *command: str) -> str:
    """stdout of a command run in the container; a failure raises."""
    return subprocess.run(["podman", "exec", container, *command], check=True, capture_output=True, text=True).stdout


def start_traffic(container: str, paths: list[str], seconds: int = 600) -> None:
    """files/traffic.py on the container's loopback port 80, one thread per path, in the background."""
    subprocess.run(["podman", "cp", str(TRAFFIC), f"{container}:/tmp/traffic.py"], check=True)
    container_exec(container, "rm", "-f", "/tmp/traffic.stop", "/tmp/traffic.json")
    subprocess.run(
        ["podman", "exec", "-d", container, "python3", "/tmp/traffic.py", "--out", "/tmp/traffic.json",
         "--stop-file", "/tmp/traffic.stop", "--seconds", str(seconds), *paths],
        check=True,
    )  # fmt: skip


def stop_traffic(container: str) -> list[tuple[float, float, str, int]]:
    """Stop start_traffic's client; every request it made: (started, finished, path, status), 0 for a lost one."""
    container_exec(container, "touch", "/tmp/traffic.stop")
    for _second in range(30):
        if container_exec(container, "sh", "-c", "test -e /tmp/traffic.json && echo done || true").strip():
            break
        time.sleep(1)
    return [tuple(request) for request in json.loads(container_exec(container, "cat", "/tmp/traffic.json"))]
