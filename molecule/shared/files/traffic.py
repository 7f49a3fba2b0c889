"""Bounded HTTP traffic on the container's loopback: one thread per URL, each request on a new connection and
a short pause after it (the converges under test need the CPU too), until a stop file appears or the time limit
passes. Writes every request's start and end time, path and status as JSON."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time

PAUSE = 0.005


def hammer(path: str, stop_file: str, deadline: float, log: list[tuple[float, float, str, int]]) -> None:
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        started = time.time()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", 80, timeout=10)
            connection.request("GET", path, headers={"Host": "example.test"})
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:  # refused, reset or timed out: a lost request
            status = 0
        log.append((started, time.time(), path, status))
        time.sleep(PAUSE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    log: list[tuple[float, float, str, int]] = []
    threads = [threading.Thread(target=hammer, args=(path, args.stop_file, deadline, log)) for path in args.paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(args.out + ".tmp", "w", encoding="utf-8") as out:
        json.dump(log, out)
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
