"""Bad input is refused before anything changes: the scenario's bad_inputs.yml, each case run against a live host.

All cases run in one ansible-playbook run of hybrid.web.site, one inventory alias of the converged container per
case, so the catalogue costs one run instead of one per case. Each case must fail with its message and report no
changed task; around the whole run, the host's files, packages, Apache and php-fpm processes, reloads and answers
must stay exactly as they were.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from controller import differences, host_results, messages, reference_host, run_site, snapshot

CATALOGUE = Path(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", ".")) / "bad_inputs.yml"
TAKEN_PORT = 8089  # listen-port-in-use: another program holds a port Apache is asked to listen on
# tls-*: a self-signed certificate, its key, and a key of another certificate.
MAKE_CERTIFICATES = """mkdir -p /etc/ssl/hybrid-test && cd /etc/ssl/hybrid-test
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=example.test -keyout key.pem -out cert.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other-key.pem 2>/dev/null"""

if not CATALOGUE.exists():
    pytest.skip("this scenario has no bad_inputs.yml", allow_module_level=True)

CASES: list[dict[str, Any]] = yaml.safe_load(CATALOGUE.read_text())


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    container = reference_host()
    subprocess.run(["podman", "exec", container, "sh", "-ec", MAKE_CERTIFICATES], check=True)
    subprocess.run(["podman", "exec", "-d", container, "python3", "-m", "http.server", str(TAKEN_PORT)], check=True)
    before = snapshot(container)
    try:
        report = run_site(
            tmp_path_factory.mktemp("bad-inputs"), {case["id"]: (container, case["vars"]) for case in CASES}
        )
        after = snapshot(container)
    finally:
        subprocess.run(["podman", "exec", container, "pkill", "-f", f"http.server {TAKEN_PORT}"], check=False)
    return {"report": report, "before": before, "after": after}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input_fails_with_a_message_that_names_it_and_changes_nothing(
    catalogue_run: dict[str, Any], case: dict[str, Any]
) -> None:
    alias = case["id"]
    assert catalogue_run["report"]["stats"][alias]["failures"] > 0, f"{alias}: {case['vars']} was accepted"
    results = host_results(catalogue_run["report"], alias)
    shown = "\n".join(text for _task, result in results if result.get("failed") for text in messages(result))
    assert case["message"] in shown, f"{alias} failed without naming the problem:\n{shown}"
    changed = [task for task, result in results if result.get("changed")]
    assert not changed, f"{alias} changed the host before failing: {changed}"


def test_the_host_is_exactly_as_before_every_bad_input(catalogue_run: dict[str, Any]) -> None:
    before, after = catalogue_run["before"], catalogue_run["after"]
    assert [line for line in after if line.startswith("GET ") and " 200 " in line], "the site did not answer"
    assert before == after, differences(before, after)
