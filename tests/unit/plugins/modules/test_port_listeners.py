from __future__ import annotations

import os
import socket
from pathlib import Path

from ansible_collections.hybrid.web.plugins.modules.port_listeners import listening_sockets, port_listeners

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
TCP = [
    HEADER,
    "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0",
    "   1: 0100007F:1F99 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0",
    # An established connection from port 80 is not a listener.
    "   2: 0100007F:0050 0100007F:9C40 01 00000000:00000000 00:00000000 00000000    33        0 1003 1 0",
]
TCP6 = [
    HEADER,
    "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 1004 1 0",
]


def _fake_proc(root: Path, processes: dict[int, tuple[str, list[str]]]) -> None:
    (root / "net").mkdir(parents=True)
    (root / "net" / "tcp").write_text("\n".join(TCP) + "\n")
    (root / "net" / "tcp6").write_text("\n".join(TCP6) + "\n")
    for pid, (name, inodes) in processes.items():
        (root / str(pid) / "fd").mkdir(parents=True)
        (root / str(pid) / "comm").write_text(name + "\n")
        for number, inode in enumerate(inodes):
            os.symlink(f"socket:[{inode}]", root / str(pid) / "fd" / str(number))


def test_only_listening_sockets_on_the_wanted_ports_count() -> None:
    assert listening_sockets(TCP, {80}) == {"1001": 80}
    assert listening_sockets(TCP, {80, 8089}) == {"1001": 80, "1002": 8089}
    assert listening_sockets(TCP, {443}) == {}


def test_each_port_names_the_programs_holding_it(tmp_path: Path) -> None:
    _fake_proc(tmp_path, {10: ("apache2", ["1001", "1004"]), 11: ("apache2", ["1001"]), 12: ("python3", ["1002"])})
    assert port_listeners(str(tmp_path), [80, 8089, 443]) == {"80": ["apache2"], "8089": ["python3"]}


def test_a_socket_without_a_visible_process_is_still_reported(tmp_path: Path) -> None:
    _fake_proc(tmp_path, {10: ("apache2", ["1001"])})
    assert port_listeners(str(tmp_path), [8089]) == {"8089": ["?"]}


def test_it_finds_a_real_listener_of_this_process() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with open("/proc/self/comm", encoding="utf-8") as comm:
            me = comm.read().strip()
        assert me in port_listeners("/proc", [port])[str(port)]
