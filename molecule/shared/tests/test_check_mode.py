"""--check and --diff, against a host that has never been converged and against the converged one.

Check mode must complete, say what it would change (everything on the fresh host, nothing on the converged one),
show the vhost it would write, and change nothing on either host.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from controller import SHARED_GROUP_VARS, differences, host_results, inventory_hosts, reference_host, run_site, snapshot

FRESH = inventory_hosts("fresh")
if not FRESH:
    pytest.skip("this scenario has no fresh (never converged) host", allow_module_level=True)
# The fresh host, the converged Debian 12 host, and every other converged host (Debian 13) by its own alias.
CONTAINERS = {
    "fresh": FRESH[0],
    "converged": reference_host(),
    **{f"converged-{name}": name for name in inventory_hosts("hybrid_web") if name != reference_host()},
}
CONVERGED = [alias for alias in CONTAINERS if alias != "fresh"]


@pytest.fixture(scope="module")
def check_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    before = {alias: snapshot(container) for alias, container in CONTAINERS.items()}
    report = run_site(
        tmp_path_factory.mktemp("check-mode"),
        {alias: (container, {}) for alias, container in CONTAINERS.items()},
        "--check",
        "--diff",
    )
    after = {alias: snapshot(container) for alias, container in CONTAINERS.items()}
    return {"report": report, "before": before, "after": after}


@pytest.mark.parametrize("alias", list(CONTAINERS))
def test_check_mode_completes_and_changes_nothing(check_run: dict[str, Any], alias: str) -> None:
    stats = check_run["report"]["stats"][alias]
    assert (stats["failures"], stats["unreachable"]) == (0, 0), host_results(check_run["report"], alias)
    assert check_run["before"][alias] == check_run["after"][alias], differences(
        check_run["before"][alias], check_run["after"][alias]
    )


@pytest.mark.parametrize("alias", CONVERGED)
def test_check_mode_on_a_converged_host_reports_no_change(check_run: dict[str, Any], alias: str) -> None:
    changed = [task for task, result in host_results(check_run["report"], alias) if result.get("changed")]
    assert changed == []


def test_check_mode_on_a_fresh_host_reports_what_it_would_do(check_run: dict[str, Any]) -> None:
    results = dict(host_results(check_run["report"], "fresh"))
    assert results["Install the Apache packages"]["changed"]
    assert results["Install php-fpm"]["changed"]
    vhost = results["Write the vhost"]
    assert vhost["changed"]
    assert "WSGIDaemonProcess hybrid " in _shown(vhost), "--diff did not show the vhost it would write"
    assert "WSGIRestrictEmbedded On" in _shown(results["Write the server-wide daemon-mode-only settings"])


def test_diff_mode_never_shows_the_apps_secret(check_run: dict[str, Any]) -> None:
    secret = yaml.safe_load((SHARED_GROUP_VARS / "hybrid_web" / "test.yml").read_text())["test_app_secret"]
    assert secret not in json.dumps(check_run["report"]), "--check --diff printed the app's secret"


def _shown(result: dict[str, Any]) -> str:
    """The new content --diff shows for a task (one diff or a list of them)."""
    diffs = result.get("diff", [])
    return "".join(diff.get("after", "") for diff in (diffs if isinstance(diffs, list) else [diffs]))
