"""`make bench`: the collection's process model against the one the seed warns against, in one run.

Steps (each figure comes from this one run, so ratios are comparable on a noisy machine):

1. Provisioning floor: a fresh container, one apt task with the same packages (bench/floor.yml), run once.
2. The collection's defaults (php-fpm + mpm_event + mod_wsgi daemon): a fresh container, `site.yml` once (first
   converge); then RERUNS idempotent re-runs of each, the floor's and the collection's in turn (the medians
   count).
   Every playbook runs with Mitogen's strategy (requirements-bench.txt), the floor's too: ansible-core's podman
   connection starts several `podman exec` a task, which is most of a re-run's time.
3. The alternative: a fresh container converged with php_mode=mod_php, apache_mpm=prefork, then switched to
   embedded Python by bench/embedded.sh (the collection itself never allows embedded mode).
4. wrk on 127.0.0.1 against each: a static file, a trivial PHP page, a trivial Python app through the rewrite
   fallback, each after a warm-up; then the mixed case (Python latency while a second wrk hammers PHP), with
   the PSS of Apache, PHP and WSGI processes sampled during it.
5. bench/results/latest.{json,md,png}, the table printed, and the README's Benchmark table replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LOGS = ROOT / ".cache" / "bench"
INVENTORY = BENCH / "inventory" / "hosts.yml"
IMAGE = "localhost/hybrid-web-base:bookworm"
PLAYBOOK = str(ROOT / ".venv" / "bin" / "ansible-playbook")
README = ROOT / "README.md"
README_BEGIN = "<!-- BEGIN BENCH RESULTS: written by bench/run.py -->"
README_END = "<!-- END BENCH RESULTS -->"

FLOOR = "hybrid-bench-floor"
# name -> (container, published port on 127.0.0.1, label)
CONFIGS: dict[str, tuple[str, int, str]] = {
    "event": ("hybrid-bench-event", 8090, "collection defaults: php-fpm + mpm_event + mod_wsgi daemon"),
    "prefork": ("hybrid-bench-prefork", 8091, "alternative: mod_php + mpm_prefork + mod_wsgi embedded"),
}
# Idempotent re-runs take a few seconds each: their median is steadier than one run on a busy machine.
RERUNS = 5
PATHS = {"static": "/static.html", "php": "/hello.php", "python": "/hello-python"}
BODIES = {"static": "hello from a static file", "php": "hello from php", "python": "hello from python"}

# Load shape (wrk on the same 2 cores as the server: figures are relative, not absolute).
SOLO = {"threads": 2, "connections": 32}
MIXED_PHP = {"threads": 1, "connections": 32}
MIXED_PYTHON = {"threads": 1, "connections": 8}
# Each case first runs in the same shape for this long, unmeasured: caches filled (opcache, bytecode), and the
# server grown to the load (prefork forks 1, 2, 4... children a second, so 2 s at 8 connections left a 32-connection
# run waiting on forks in its first seconds: wrk timeouts in the prefork comparison).
WARM_UP_SECONDS = 5

TARGETS = {
    "php_ratio": 0.80,
    "python_ratio": 0.40,
    "mixed_python_p99_vs_solo": 3.0,
    "mixed_php_ratio": 0.55,
    "memory_vs_prefork": 0.25,
    "first_converge_vs_floor": 2.0,
    "rerun_vs_floor": 4.0,
}


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def run(
    cmd: list[str], *, check: bool = True, log: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, text=True, capture_output=True, check=False, env=env)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"$ {shlex.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    if check and proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"failed ({proc.returncode}): {shlex.join(cmd)}")
    return proc


def host_state() -> dict[str, Any]:
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }


def fresh_container(name: str, port: int | None) -> None:
    run(["podman", "rm", "-f", "--ignore", name])
    publish = ["-p", f"127.0.0.1:{port}:80"] if port else []
    run(["podman", "run", "-d", "--name", name, "--hostname", name, "--systemd=always", *publish, IMAGE, "/sbin/init"])
    run(["podman", "exec", name, "systemctl", "is-system-running", "--wait"], check=False)
    # Under Mitogen the apt module cannot install its own python3-apt and re-run itself with it (respawn,
    # mitogen-hq/mitogen#849), so every bench container gets it first, untimed, the floor's too.
    run(["podman", "exec", name, "sh", "-c", "apt-get update -qq && apt-get install -y -qq python3-apt"])


def controller_env() -> dict[str, str]:
    """ansible-playbook's environment: Mitogen's linear strategy, found in this venv, and a lean controller.

    The venv holds the `ansible` package (93 collections) for Molecule and the linters; a controller that runs
    this collection needs none of them. Before each collection module Mitogen lists every installed collection,
    in each task's freshly forked worker (0.2 s cold here), so they would cost a re-run about 2 s
    (16.4-17.7 s against 14.6-15.1 s). Only the collections path is read, as on a controller with ansible-core
    and hybrid.web alone.
    """
    import ansible_mitogen  # the bench's own requirement (requirements-bench.txt)

    strategies = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    return {
        **os.environ,
        "ANSIBLE_STRATEGY_PLUGINS": str(strategies),
        "ANSIBLE_STRATEGY": "mitogen_linear",
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
    }


def playbook(playbook_path: str, host: str, log_name: str) -> dict[str, Any]:
    cmd = [PLAYBOOK, "-i", str(INVENTORY), playbook_path, "--limit", host]
    start = time.monotonic()
    proc = run(cmd, log=LOGS / f"{log_name}.log", env=controller_env())
    seconds = time.monotonic() - start
    recap: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        if line.startswith(host) and "ok=" in line:
            recap = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
    tasks = recap.get("ok", 0) + recap.get("skipped", 0) + recap.get("failed", 0)
    print(f"    {log_name}: {seconds:.1f} s, {tasks} tasks ({recap})", flush=True)
    return {"seconds": round(seconds, 1), "tasks": tasks, "recap": recap}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with every run's time and the most changes any run reported."""
    median = sorted(runs, key=lambda r: float(r["seconds"]))[len(runs) // 2]
    changed = max(int(r["recap"].get("changed", 0)) for r in runs)
    return {**median, "recap": {**median["recap"], "changed": changed}, "runs": [r["seconds"] for r in runs]}


def check_served(port: int, expect_group: str) -> dict[str, str]:
    """Each URL answers 200 with its own body; the Python app runs in the expected process group."""
    seen: dict[str, str] = {}
    for case, path in PATHS.items():
        proc = run(["curl", "-sS", "-i", "--max-time", "5", f"http://127.0.0.1:{port}{path}"])
        head, body = [*proc.stdout.replace("\r\n", "\n").split("\n\n", 1), ""][:2]
        if not head.startswith("HTTP/1.1 200") or BODIES[case] not in body:
            raise SystemExit(f"{path} on port {port} did not answer as expected:\n{proc.stdout}")
        if case == "python":
            match = re.search(r"^X-WSGI-Process-Group: (.*)$", head, re.MULTILINE | re.IGNORECASE)
            group = match.group(1).strip() if match else "?"
            if group != expect_group:
                raise SystemExit(f"Python ran in process group {group!r} on port {port}, not {expect_group!r}")
            seen["wsgi_process_group"] = group
    return seen


def cgroup_cpu_ns(container: str) -> int:
    """CPU time the container's processes have used so far, in ns (cgroup v1 cpuacct or v2 cpu.stat)."""
    path = run(["podman", "inspect", "--format", "{{.State.CgroupPath}}", container]).stdout.strip()
    v1 = Path("/sys/fs/cgroup/cpuacct") / path.lstrip("/") / "cpuacct.usage"
    if v1.exists():
        return int(v1.read_text())
    for base in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        stat = base / path.lstrip("/") / "cpu.stat"
        if stat.exists():
            usage = next(line for line in stat.read_text().splitlines() if line.startswith("usage_usec"))
            return int(usage.split()[1]) * 1000
    return 0


def wrk(port: int, path: str, threads: int, connections: int, seconds: int) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH / "wrk-json.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    proc = run(cmd)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = raw["errors"]
    lat = raw["latency_us"]
    return {
        "path": path,
        "threads": threads,
        "connections": connections,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(lat["p50"] / 1000, 2),
        "p90_ms": round(lat["p90"] / 1000, 2),
        "p99_ms": round(lat["p99"] / 1000, 2),
        "max_ms": round(lat["max"] / 1000, 2),
        "non2xx": errors["status"],
        "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "errors": errors,
    }


GROUPS = ("apache", "php", "wsgi")


def container_processes(container: str) -> list[tuple[str, str]]:
    """(pid, group) of the container's Apache, PHP and WSGI processes, found from the host by PID namespace.

    Inside the container root cannot read other users' smaps (no CAP_SYS_PTRACE); the host can.
    """
    init = run(["podman", "inspect", "--format", "{{.State.Pid}}", container]).stdout.strip()
    namespace = os.readlink(f"/proc/{init}/ns/pid")
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != namespace:
                continue
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        if argv0.startswith("(wsgi:"):
            found.append((pid, "wsgi"))
        elif comm.startswith("php-fpm"):
            found.append((pid, "php"))
        elif comm in ("apache2", "httpd"):
            found.append((pid, "apache"))
    return found


def pss(container: str) -> dict[str, Any]:
    """Total PSS of the container's Apache, PHP and WSGI processes."""
    kib = dict.fromkeys(GROUPS, 0)
    count = dict.fromkeys(GROUPS, 0)
    for pid, group in container_processes(container):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kib[group] += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        count[group] += 1
    mib = {key: round(value / 1024, 1) for key, value in kib.items()}
    return {"mib": mib, "total_mib": round(sum(mib.values()), 1), "processes": count}


def group_cpu_ticks(container: str) -> dict[str, int]:
    """CPU time (clock ticks) of each group's processes, their reaped children's included.

    A php-fpm worker recycled during a run is gone at its end, but its time moved into its master's cutime and
    cstime: counting those, a difference between two samples is the work done between them.
    """
    ticks = dict.fromkeys(GROUPS, 0)
    for pid, group in container_processes(container):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the command name.
        ticks[group] += sum(int(value) for value in fields[11:15])
    return ticks


def host_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def measure_solo(container: str, port: int, case: str, seconds: int) -> dict[str, Any]:
    wrk(port, PATHS[case], SOLO["threads"], SOLO["connections"], WARM_UP_SECONDS)
    cgroup_before, groups_before = cgroup_cpu_ns(container), group_cpu_ticks(container)
    # wrk's own CPU is that of this process's reaped children: read next to wrk's run, past the podman calls.
    host_before, wrk_before = host_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk(port, PATHS[case], SOLO["threads"], SOLO["connections"], seconds)
    wrk_after, host_after = resource.getrusage(resource.RUSAGE_CHILDREN), host_cpu()
    cgroup_after, groups_after = cgroup_cpu_ns(container), group_cpu_ticks(container)
    requests = max(int(result["requests"]), 1)
    # Server CPU per request: much less sensitive to a busy machine than rps, which shares the CPUs with wrk
    # and with everything else running. Split by process group, it shows where a request's time goes.
    result["server_cpu_us_per_request"] = round((cgroup_after - cgroup_before) / 1000 / requests, 1)
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
    wrk_seconds = wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime
    result["cpu_us_per_request"] = {
        **{group: round((groups_after[group] - groups_before[group]) * tick_us / requests, 1) for group in GROUPS},
        "wrk": round(wrk_seconds * 1e6 / requests, 1),
    }
    busy, total = host_after[0] - host_before[0], host_after[1] - host_before[1]
    result["host_busy"] = round(busy / total, 3) if total else 0.0
    split = " ".join(f"{group} {value}" for group, value in result["cpu_us_per_request"].items() if value)
    print(
        f"    {case:7} {result['rps']:9.0f} rps  p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:7.2f} ms"
        f"  non-2xx {result['non2xx']}  socket errors {result['socket_errors']}"
        f"  server CPU {result['server_cpu_us_per_request']} us/request ({split}; host busy {result['host_busy']:.0%})",
        flush=True,
    )
    return result


def mixed_load(port: int, seconds: int, out: dict[str, dict[str, Any]]) -> list[threading.Thread]:
    """Start PHP's and Python's wrk at the same time; each thread leaves its result in out."""

    def load(case: str, shape: dict[str, int]) -> None:
        out[case] = wrk(port, PATHS[case], shape["threads"], shape["connections"], seconds)

    threads = [
        threading.Thread(target=load, args=("php", MIXED_PHP)),
        threading.Thread(target=load, args=("python", MIXED_PYTHON)),
    ]
    for thread in threads:
        thread.start()
    return threads


def measure_mixed(container: str, port: int, seconds: int) -> dict[str, Any]:
    for thread in mixed_load(port, WARM_UP_SECONDS, {}):
        thread.join()
    out: dict[str, dict[str, Any]] = {}
    threads = mixed_load(port, seconds, out)
    samples = []
    for delay in (seconds * 0.4, seconds * 0.3):
        time.sleep(delay)
        samples.append(pss(container))
    for thread in threads:
        thread.join()
    memory = max(samples, key=lambda sample: float(sample["total_mib"]))
    print(
        f"    mixed   php {out['php']['rps']:7.0f} rps | python p50 {out['python']['p50_ms']:.2f} ms"
        f" p99 {out['python']['p99_ms']:.2f} ms ({out['python']['rps']:.0f} rps) | PSS {memory['total_mib']} MiB"
        f" {memory['mib']}",
        flush=True,
    )
    return {"php": out["php"], "python": out["python"], "memory": memory, "memory_samples": samples}


def provision(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if args.skip_provision:
        return result
    say("[1/4] provisioning floor: one apt task on a fresh container")
    fresh_container(FLOOR, None)
    result["floor_first"] = playbook(str(BENCH / "floor.yml"), FLOOR, "floor-first")
    say("[2/4] the collection's defaults on a fresh container: first converge, then idempotent re-runs")
    name, port = CONFIGS["event"][:2]
    fresh_container(name, port)
    result["collection_first"] = playbook(str(ROOT / "site.yml"), name, "event-first")
    # A re-run takes seconds, so a busy moment of the machine weighs on it: the floor's and the collection's
    # re-runs take turns, so that both meet the same moments, and the median of each counts.
    floor_runs, collection_runs = [], []
    for n in range(1, RERUNS + 1):
        floor_runs.append(playbook(str(BENCH / "floor.yml"), FLOOR, f"floor-rerun-{n}"))
        collection_runs.append(playbook(str(ROOT / "site.yml"), name, f"event-rerun-{n}"))
    result["floor_rerun"], result["collection_rerun"] = median_run(floor_runs), median_run(collection_runs)
    run(["podman", "rm", "-f", FLOOR])
    say("[3/4] the alternative: mod_php + mpm_prefork, then Python moved into Apache's children")
    name, port = CONFIGS["prefork"][:2]
    fresh_container(name, port)
    result["prefork_first"] = playbook(str(ROOT / "site.yml"), name, "prefork-first")
    return result


def load_tests(args: argparse.Namespace) -> dict[str, Any]:
    say(f"[4/4] wrk on 127.0.0.1: {args.seconds} s a case after a {WARM_UP_SECONDS} s warm-up")
    prefork_name = CONFIGS["prefork"][0]
    run(["podman", "cp", str(BENCH / "embedded.sh"), f"{prefork_name}:/usr/local/sbin/hybrid-bench-embedded"])
    run(["podman", "exec", prefork_name, "/usr/local/sbin/hybrid-bench-embedded"], log=LOGS / "embedded.log")
    time.sleep(2)
    out: dict[str, Any] = {}
    for config, (name, port, label) in CONFIGS.items():
        print(f"  {config}: {label} (127.0.0.1:{port})", flush=True)
        served = check_served(port, "hybrid" if config == "event" else "(embedded)")
        out[config] = {"label": label, "container": name, "port": port, **served}
        for case in PATHS:
            out[config][case] = measure_solo(name, port, case, args.seconds)
        out[config]["mixed"] = measure_mixed(name, port, args.seconds)
    return out


def ratio(value: float, base: float) -> float:
    return round(value / base, 3) if base else 0.0


# The process that serves each case behind Apache.
BACKENDS = {"php": "php", "python": "wsgi"}


def hop_ceiling(data: dict[str, Any], case: str) -> dict[str, Any]:
    """The highest ratio to static that a case served by another process could reach in this run.

    With every CPU busy, a static request costs the machine nproc * busy / rps: Apache's work, wrk's, the
    kernel's. A PHP or Python request costs at least that (Apache still accepts, parses, maps, logs and answers
    it) plus what its backend process (php-fpm, the mod_wsgi daemon) spends on it. So even if Apache's side of
    the hop to the backend cost nothing, rps / static rps could not exceed static / (static + backend).
    """
    ev = data["load"]["event"]
    static = ev["static"]
    machine_us = float(data["host"]["start"]["nproc"]) * static["host_busy"] * 1e6 / static["rps"]
    backend_us = float(ev[case]["cpu_us_per_request"][BACKENDS[case]])
    value = round(machine_us / (machine_us + backend_us), 2)
    return {
        "ceiling": value,
        "detail": f"ceiling {value}: a static request costs the machine {machine_us:.0f} us,"
        f" {BACKENDS[case]} alone {backend_us:.0f} us a request",
    }


def evaluate(data: dict[str, Any]) -> list[dict[str, Any]]:
    load = data["load"]
    ceiling = load["event"]["static"]["rps"]
    ev = load["event"]
    rows: list[dict[str, Any]] = []

    def row(name: str, value: float, limit: float, at_least: bool, detail: str) -> None:
        met = value >= limit if at_least else value <= limit
        rows.append(
            {"target": name, "value": value, "limit": limit, "at_least": at_least, "met": met, "detail": detail}
        )

    php_ceiling = hop_ceiling(data, "php")
    python_ceiling = hop_ceiling(data, "python")
    row(
        "PHP (php-fpm, mpm_event) / static",
        ratio(ev["php"]["rps"], ceiling),
        TARGETS["php_ratio"],
        True,
        f"rps ratio; {php_ceiling['detail']}",
    )
    row(
        "Python (daemon) / static",
        ratio(ev["python"]["rps"], ceiling),
        TARGETS["python_ratio"],
        True,
        f"rps ratio; {python_ceiling['detail']}",
    )
    row(
        "Mixed: Python p99 / solo Python p99",
        ratio(ev["mixed"]["python"]["p99_ms"], ev["python"]["p99_ms"]),
        TARGETS["mixed_python_p99_vs_solo"],
        False,
        f"{ev['mixed']['python']['p99_ms']} ms vs {ev['python']['p99_ms']} ms",
    )
    row(
        "Mixed: PHP / static",
        ratio(ev["mixed"]["php"]["rps"], ceiling),
        TARGETS["mixed_php_ratio"],
        True,
        f"rps ratio; PHP alone reached {ratio(ev['php']['rps'], ceiling)}, its ceiling {php_ceiling['ceiling']}",
    )
    errors = 0
    for config in CONFIGS:
        for case in PATHS:
            errors += load[config][case]["non2xx"] + load[config][case]["socket_errors"]
        for case in ("php", "python"):
            errors += load[config]["mixed"][case]["non2xx"] + load[config]["mixed"][case]["socket_errors"]
    row("non-2xx + socket errors, every run", errors, 0, False, "count")
    row(
        "Memory under mixed load / prefork+mod_php+embedded",
        ratio(ev["mixed"]["memory"]["total_mib"], load["prefork"]["mixed"]["memory"]["total_mib"]),
        TARGETS["memory_vs_prefork"],
        False,
        f"{ev['mixed']['memory']['total_mib']} MiB vs {load['prefork']['mixed']['memory']['total_mib']} MiB PSS",
    )
    prov = data.get("provisioning", {})
    if prov:
        row(
            "First converge / floor first run",
            ratio(prov["collection_first"]["seconds"], prov["floor_first"]["seconds"]),
            TARGETS["first_converge_vs_floor"],
            False,
            f"{prov['collection_first']['seconds']} s ({prov['collection_first']['tasks']} tasks)"
            f" vs {prov['floor_first']['seconds']} s",
        )
        row(
            "Idempotent re-run / floor re-run",
            ratio(prov["collection_rerun"]["seconds"], prov["floor_rerun"]["seconds"]),
            TARGETS["rerun_vs_floor"],
            False,
            f"{prov['collection_rerun']['seconds']} s ({prov['collection_rerun']['tasks']} tasks,"
            f" changed={prov['collection_rerun']['recap'].get('changed')}) vs {prov['floor_rerun']['seconds']} s",
        )
    return rows


def markdown(data: dict[str, Any]) -> str:
    load = data["load"]
    ceiling = load["event"]["static"]["rps"]
    start, end = data["host"]["start"], data["host"]["end"]
    lines = [
        f"Run {start['time']} on {start['nproc']} CPUs; loadavg {' '.join(start['loadavg'])} at the start,"
        f" {' '.join(end['loadavg'])} at the end. wrk -t{SOLO['threads']} -c{SOLO['connections']}"
        f" -d{data['seconds']}s a case after a {WARM_UP_SECONDS} s warm-up in the same shape;"
        f" mixed: PHP -t{MIXED_PHP['threads']} -c{MIXED_PHP['connections']}"
        f" and Python -t{MIXED_PYTHON['threads']} -c{MIXED_PYTHON['connections']} at the same time."
        " Ratio = rps / static rps of the collection's defaults in this run.",
        "",
        "| Configuration | Case | rps | Ratio | p50 ms | p99 ms | non-2xx | socket errors | server CPU us/req"
        " | Apache / PHP / WSGI / wrk us/req | host busy |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, (*_unused, label) in CONFIGS.items():
        short = label.split(": ", 1)[1]
        for case in PATHS:
            r = load[config][case]
            lines.append(
                f"| {short} | {case} | {r['rps']:.0f} | {ratio(r['rps'], ceiling):.2f} | {r['p50_ms']:.2f} |"
                f" {r['p99_ms']:.2f} | {r['non2xx']} | {r['socket_errors']} | {r['server_cpu_us_per_request']} |"
                f" {' / '.join(f'{v:.0f}' for v in r['cpu_us_per_request'].values())} | {r['host_busy']:.0%} |"
            )
        mixed = load[config]["mixed"]
        for case in ("php", "python"):
            r = mixed[case]
            lines.append(
                f"| {short} | mixed: {case} | {r['rps']:.0f} | {ratio(r['rps'], ceiling):.2f} | {r['p50_ms']:.2f} |"
                f" {r['p99_ms']:.2f} | {r['non2xx']} | {r['socket_errors']} | - | - | - |"
            )
    lines += [
        "",
        "| Configuration | PSS under mixed load, MiB (processes) | Apache | PHP | WSGI daemons |",
        "|---|---:|---:|---:|---:|",
    ]
    for config, (*_unused, label) in CONFIGS.items():
        mem = load[config]["mixed"]["memory"]
        lines.append(
            f"| {label.split(': ', 1)[1]} | {mem['total_mib']} | {mem['mib']['apache']} ({mem['processes']['apache']})"
            f" | {mem['mib']['php']} ({mem['processes']['php']}) | {mem['mib']['wsgi']} ({mem['processes']['wsgi']}) |"
        )
    prov = data.get("provisioning", {})
    if prov:
        lines += ["", "| Provisioning | Wall time s | Tasks | changed |", "|---|---:|---:|---:|"]
        names = {
            "floor_first": "floor (one apt task), first run",
            "floor_rerun": "floor, re-run",
            "collection_first": "collection defaults, first converge",
            "collection_rerun": "collection defaults, idempotent re-run",
            "prefork_first": "mod_php + prefork, first converge",
        }
        for key, name in names.items():
            p = prov[key]
            runs = f" (median of {', '.join(map(str, p['runs']))})" if "runs" in p else ""
            lines.append(f"| {name}{runs} | {p['seconds']} | {p['tasks']} | {p['recap'].get('changed', '?')} |")
    lines += ["", "| Target | Value | Limit | Met | Detail |", "|---|---:|---:|---|---|"]
    for t in data["targets"]:
        sign = ">=" if t["at_least"] else "<="
        met = "yes" if t["met"] else "**no**"
        lines.append(f"| {t['target']} | {t['value']} | {sign} {t['limit']} | {met} | {t['detail']} |")
    return "\n".join(lines) + "\n"


def chart(data: dict[str, Any], path: Path) -> None:
    # Imported here: only the chart needs it (requirements-bench.txt).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    load = data["load"]
    ceiling = load["event"]["static"]["rps"]
    cases = [*PATHS, "mixed: php", "mixed: python"]

    def pick(config: str, case: str) -> dict[str, Any]:
        if case.startswith("mixed: "):
            return dict(load[config]["mixed"][case.removeprefix("mixed: ")])
        return dict(load[config][case])

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    width = 0.38
    xs = range(len(cases))
    for offset, config in ((-width / 2, "event"), (width / 2, "prefork")):
        label = CONFIGS[config][2].split(": ", 1)[1]
        ratios = [pick(config, c)["rps"] / ceiling for c in cases]
        p99s = [pick(config, c)["p99_ms"] for c in cases]
        axes[0].bar([x + offset for x in xs], ratios, width, label=label)
        axes[1].bar([x + offset for x in xs], p99s, width, label=label)
    for ax, title in ((axes[0], "throughput / static rps (higher is better)"), (axes[1], "p99 latency, ms (log)")):
        ax.set_xticks(list(xs), cases, rotation=20)
        ax.set_title(title)
    axes[0].axhline(TARGETS["php_ratio"], color="grey", linestyle=":", linewidth=1)
    axes[0].axhline(TARGETS["python_ratio"], color="grey", linestyle="--", linewidth=1)
    axes[1].set_yscale("log")
    axes[0].legend(fontsize=8)
    mems = [load[c]["mixed"]["memory"] for c in CONFIGS]
    bottom = [0.0, 0.0]
    for part in ("apache", "php", "wsgi"):
        values = [float(m["mib"][part]) for m in mems]
        axes[2].bar(["fpm + event + daemon", "mod_php + prefork\nembedded"], values, bottom=bottom, label=part)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes[2].set_title("PSS under mixed load, MiB")
    axes[2].legend(fontsize=8)
    start = data["host"]["start"]
    fig.suptitle(f"hybrid.web make bench, {start['time']}, {start['nproc']} CPUs, loadavg {start['loadavg'][0]}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def update_readme(table: str) -> None:
    text = README.read_text()
    if README_BEGIN not in text or README_END not in text:
        print("README.md has no bench markers; not updated", flush=True)
        return
    head, rest = text.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    README.write_text(f"{head}{README_BEGIN}\n{table}{README_END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration of each measured case (at most 10)")
    parser.add_argument(
        "--skip-provision", action="store_true", help="reuse the bench containers (no provisioning figures)"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not replace the README's table")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 10)
    started = time.monotonic()
    data: dict[str, Any] = {"seconds": args.seconds, "host": {"start": host_state()}}
    start = data["host"]["start"]
    say(f"bench start: {start['nproc']} CPUs, loadavg {' '.join(start['loadavg'])}")
    data["provisioning"] = provision(args)
    data["load"] = load_tests(args)
    data["host"]["end"] = host_state()
    end = data["host"]["end"]
    data["targets"] = evaluate(data)
    data["wall_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2) + "\n")
    table = markdown(data)
    (RESULTS / "latest.md").write_text(table)
    chart(data, RESULTS / "latest.png")
    if not args.no_readme:
        update_readme(table)
    print()
    print(table)
    say(
        f"bench end: loadavg {' '.join(end['loadavg'])} (start {' '.join(start['loadavg'])}),"
        f" {data['wall_seconds']} s; bench/results/latest.{{json,md,png}}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
