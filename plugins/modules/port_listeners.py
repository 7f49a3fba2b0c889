#!/usr/bin/python
# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: port_listeners
short_description: Say which programs listen on given TCP ports
version_added: 0.1.0
description:
  - Reads the kernel's socket tables (C(/proc/net/tcp) and C(/proc/net/tcp6)) for sockets listening on the given
    ports, and names the processes that hold them (through C(/proc/<pid>/fd)).
  - Changes nothing. The M(hybrid.web.apache) role uses it before it writes C(ports.conf), so that a port another
    program already holds stops the play instead of leaving an Apache that cannot restart.
options:
  ports:
    description: TCP ports to look up.
    type: list
    elements: int
    required: true
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: Find the programs listening on the ports Apache is to use
  hybrid.web.port_listeners:
    ports: [80, 443]
  register: listeners
"""

RETURN = r"""
listeners:
  description:
    - For each requested port someone listens on (as a string), the sorted names (C(comm)) of the processes holding
      a listening socket on it. A socket whose process is not visible is listed as C(?).
  returned: always
  type: dict
  sample: {"80": ["apache2"], "8089": ["python3"]}
"""

import os
from collections.abc import Iterable

from ansible.module_utils.basic import AnsibleModule

LISTEN = "0A"
SOCKET_TABLES = ("net/tcp", "net/tcp6")


def listening_sockets(table_lines: Iterable[str], ports: set[int]) -> dict[str, int]:
    """Inode -> port of each listening socket on one of the ports, from /proc/net/tcp{,6} lines."""
    sockets = {}
    for line in table_lines:
        fields = line.split()
        if len(fields) < 10 or fields[3] != LISTEN or ":" not in fields[1]:
            continue
        port = int(fields[1].rsplit(":", 1)[1], 16)
        if port in ports:
            sockets[fields[9]] = port
    return sockets


def socket_holders(proc_root: str, inodes: set[str]) -> dict[str, set[str]]:
    """Inode -> names of the processes with a file descriptor on that socket."""
    holders: dict[str, set[str]] = {}
    wanted = {f"socket:[{inode}]": inode for inode in inodes}
    for pid in filter(str.isdigit, os.listdir(proc_root)):
        fd_dir = os.path.join(proc_root, pid, "fd")
        try:
            descriptors = os.listdir(fd_dir)
            with open(os.path.join(proc_root, pid, "comm"), encoding="utf-8") as comm:
                name = comm.read().strip()
        except OSError:  # the process ended while we looked, or hides its descriptors
            continue
        for link in filter(None, (_readlink(os.path.join(fd_dir, fd)) for fd in descriptors)):
            if link in wanted:
                holders.setdefault(wanted[link], set()).add(name)
    return holders


def _readlink(path: str) -> str:
    """The link's target, or '' for a descriptor closed since the listing (listdir's own, for one)."""
    try:
        return os.readlink(path)
    except OSError:
        return ""


def port_listeners(proc_root: str, ports: Iterable[int]) -> dict[str, list[str]]:
    sockets: dict[str, int] = {}
    for table in SOCKET_TABLES:
        try:
            with open(os.path.join(proc_root, table), encoding="ascii") as lines:
                sockets.update(listening_sockets(lines, set(ports)))
        except FileNotFoundError:  # no IPv6 on this host
            continue
    holders = socket_holders(proc_root, set(sockets))
    listeners: dict[str, set[str]] = {}
    for inode, port in sockets.items():
        listeners.setdefault(str(port), set()).update(holders.get(inode, {"?"}))
    return {port: sorted(names) for port, names in sorted(listeners.items(), key=lambda item: int(item[0]))}


def main() -> None:
    module = AnsibleModule(
        argument_spec={"ports": {"type": "list", "elements": "int", "required": True}},
        supports_check_mode=True,
    )
    module.exit_json(changed=False, listeners=port_listeners("/proc", module.params["ports"]))


if __name__ == "__main__":
    main()
