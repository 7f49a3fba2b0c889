#!/usr/bin/python
# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: migration_report
short_description: Say who serves each PHP entry point of a hybrid site, PHP or Python
version_added: 0.1.0
description:
  - Lists every C(.php) file in the DocumentRoot of a site set up by M(hybrid.web.hybrid_site), with its URL (and,
    for an index file, its directory's URL), and says who serves it now - PHP, or a Python app through the move list,
    the cut-over or a C(WSGIScriptAlias) mount - plus where URLs that match no file go.
  - With O(probe=true) it confirms each claim with a real request to the site on the host's loopback and the
    handler Apache logged for it (the vhost's access log ends with C(%R)); a claim that a request contradicts fails
    the module.
  - Returns the report as data and as a readable table, with the share of PHP entry points already moved to Python.
options:
  document_root:
    description: The site's DocumentRoot.
    type: path
    required: true
  mode:
    description: The site's hybrid_site_mode.
    type: str
    choices: [root, suburl, cutover]
    default: root
  apps:
    description: The site's Python apps as completed by M(hybrid.web.wsgi_apps), the main app first.
    type: list
    elements: dict
    required: true
  moves:
    description: The moved URLs as returned by M(hybrid.web.url_moves).
    type: list
    elements: dict
    default: []
  directory_index:
    description: The site's index file names, in order.
    type: list
    elements: str
    default: [index.php, index.html]
  probe:
    description: Confirm each claim with a request to C(http(s)://127.0.0.1:<port>) and the logged handler.
    type: bool
    default: true
  port:
    description: Port of the site's vhost on the host.
    type: int
    default: 80
  https:
    description:
      - Probe with HTTPS (the site's certificate is not verified; the probes go to the host's own loopback).
    type: bool
    default: false
  server_name:
    description: Host header sent with the probes.
    type: str
    default: localhost
  access_log:
    description: The vhost's access log, whose last field is the handler (C(%R)).
    type: path
    required: false
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: Report the migration state of the site
  hybrid.web.migration_report:
    document_root: /var/www/hybrid
    mode: root
    apps: "{{ _hybrid_site_apps }}"
    moves: "{{ _hybrid_site_moves }}"
    access_log: /var/log/apache2/hybrid-access.log
  register: report
"""

RETURN = r"""
entries:
  description: One entry per URL of a PHP entry point.
  returned: always
  type: list
  elements: dict
  sample:
    - {url: /page-2.php, file: page-2.php, served_by: python:hybrid, via: move list, confirmed: true, status: 200}
fallback:
  description: Who answers a URL that maps to no file.
  returned: always
  type: dict
php_entry_points:
  description: Number of C(.php) files in the DocumentRoot.
  returned: always
  type: int
moved_to_python:
  description: Number of those whose URL Python serves now.
  returned: always
  type: int
share_moved:
  description: moved_to_python / php_entry_points, 0.0 when there is no PHP file.
  returned: always
  type: float
table:
  description: The report as a plain-text table.
  returned: always
  type: str
mismatches:
  description: Claims that a real request contradicted.
  returned: always
  type: list
  elements: str
"""

import os
import ssl
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from ansible.module_utils.basic import AnsibleModule

PHP = "php"


def _under(url: str, mount: str) -> bool:
    return mount == "" or url == mount or url.startswith(mount + "/")


def php_entry_points(document_root: str) -> list[str]:
    """Paths of the .php files below document_root, relative to it, sorted; hidden directories skipped."""
    found = []
    for directory, subdirectories, files in os.walk(document_root):
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        relative = os.path.relpath(directory, document_root)
        for name in files:
            if name.endswith(".php") and not name.startswith("."):
                found.append(name if relative == "." else f"{relative}/{name}")
    return sorted(found)


def classify(
    url: str, mode: str, apps: list[dict[str, Any]], moves: list[dict[str, Any]], is_directory: bool
) -> tuple[str, str]:
    """(who serves url, why) for a URL that maps to an existing PHP file or to a directory holding one."""
    main, extra = apps[0], apps[1:]
    on_disk = (PHP, "directory index" if is_directory else "file on disk")
    for app in sorted(extra, key=lambda app: len(app["mount_point"]), reverse=True):
        if _under(url, app["mount_point"]):
            return f"python:{app['name']}", f"WSGIScriptAlias {app['mount_point']}"
    if mode == "suburl":
        if _under(url, main["mount_point"]):
            return f"python:{main['name']}", f"WSGIScriptAlias {main['mount_point']}"
        return on_disk
    if not _under(url, main["mount_point"]):
        return on_disk
    for move in moves:
        if url == move["path"] or (move["prefix"] and url.startswith(move["path"])):
            return f"python:{main['name']}", f"move list ({move['path']})"
    if mode == "cutover" and is_directory:
        return f"python:{main['name']}", "cut-over"
    return on_disk


def build_entries(
    files: list[str], mode: str, apps: list[dict[str, Any]], moves: list[dict[str, Any]], directory_index: list[str]
) -> list[dict[str, Any]]:
    entries = []
    for relative in files:
        url = "/" + relative
        served_by, via = classify(url, mode, apps, moves, is_directory=False)
        entries.append({"url": url, "file": relative, "served_by": served_by, "via": via})
        directory, name = os.path.split(relative)
        if name in directory_index:
            directory_url = f"/{directory}/" if directory else "/"
            served_by, via = classify(directory_url, mode, apps, moves, is_directory=True)
            entries.append({"url": directory_url, "file": relative, "served_by": served_by, "via": via})
    return entries


def fallback_of(mode: str, apps: list[dict[str, Any]]) -> dict[str, str]:
    main = apps[0]
    scope = f"{main['mount_point']}/*" if main["mount_point"] else "/*"
    if mode == "suburl":
        return {"urls": f"{scope} with no file", "served_by": f"python:{main['name']}", "via": "WSGIScriptAlias"}
    return {"urls": f"{scope} with no file", "served_by": f"python:{main['name']}", "via": "rewrite fallback"}


def served_by_handler(handler: str) -> str:
    """php or python from the handler Apache logged (%R)."""
    if handler.startswith("proxy:") or "php" in handler:
        return PHP
    if handler == "wsgi-script" or handler.endswith("-wsgi-handler"):
        return "python"
    return handler or "static"


def table(entries: list[dict[str, Any]], fallback: dict[str, str], summary: str) -> str:
    rows = [("URL", "PHP file", "served by", "via", "confirmed")]
    for entry in entries:
        confirmed = entry.get("confirmed")
        mark = "-" if confirmed is None else ("yes" if confirmed else "NO")
        rows.append((entry["url"], entry["file"], entry["served_by"], entry["via"], mark))
    rows.append((fallback["urls"], "-", fallback["served_by"], fallback["via"], "-"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([*lines, "", summary])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _loopback_opener() -> urllib.request.OpenerDirector:
    """One opener for every probe: no redirects followed, and no certificate check, since the probes go to the
    host's own Apache on 127.0.0.1 while the certificate is for the site's name."""
    loopback = ssl.create_default_context()
    loopback.check_hostname = False
    loopback.verify_mode = ssl.CERT_NONE
    return urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=loopback))


def _request(opener: urllib.request.OpenerDirector, url: str, host_header: str, agent: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host_header, "User-Agent": agent})
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def confirm(entries: list[dict[str, Any]], base_url: str, server_name: str, access_log: str) -> list[str]:
    """Request every entry's URL once and compare the handler Apache logged with the claim."""
    agent = f"hybrid-web-migration-report/{uuid.uuid4()}"
    # Only the lines the probes add are read: a production access log can be large.
    start = os.path.getsize(access_log) if os.path.exists(access_log) else 0
    opener = _loopback_opener()
    for entry in entries:
        entry["status"] = _request(opener, f"{base_url}{entry['url']}", server_name, agent)
    handlers: list[str] = []
    with open(access_log, encoding="utf-8", errors="replace") as log:
        log.seek(start)
        for _attempt in range(20):
            handlers += [line.rsplit(" ", 1)[-1].strip() for line in log.readlines() if f'"{agent}"' in line]
            if len(handlers) >= len(entries):
                break
            time.sleep(0.25)
    mismatches = []
    for entry, handler in zip(entries, handlers + [""] * (len(entries) - len(handlers)), strict=True):
        seen = served_by_handler(handler)
        claimed = "python" if entry["served_by"].startswith("python") else PHP
        entry["handler"] = handler
        entry["confirmed"] = seen == claimed
        if not entry["confirmed"]:
            mismatches.append(f"{entry['url']}: claimed {entry['served_by']}, Apache used {handler or 'no handler'}")
    return mismatches


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "document_root": {"type": "path", "required": True},
            "mode": {"type": "str", "default": "root", "choices": ["root", "suburl", "cutover"]},
            "apps": {"type": "list", "elements": "dict", "required": True},
            "moves": {"type": "list", "elements": "dict", "default": []},
            "directory_index": {"type": "list", "elements": "str", "default": ["index.php", "index.html"]},
            "probe": {"type": "bool", "default": True},
            "port": {"type": "int", "default": 80},
            "https": {"type": "bool", "default": False},
            "server_name": {"type": "str", "default": "localhost"},
            "access_log": {"type": "path", "required": False},
        },
        required_if=[("probe", True, ["access_log"])],
        supports_check_mode=True,
    )
    params = module.params
    if not os.path.isdir(params["document_root"]):
        module.fail_json(msg=f"document_root {params['document_root']!r} is not a directory on the host")
    files = php_entry_points(params["document_root"])
    entries = build_entries(files, params["mode"], params["apps"], params["moves"], params["directory_index"])
    fallback = fallback_of(params["mode"], params["apps"])
    base_url = f"{'https' if params['https'] else 'http'}://127.0.0.1:{params['port']}"
    mismatches = confirm(entries, base_url, params["server_name"], params["access_log"]) if params["probe"] else []
    moved = sum(1 for entry in entries if entry["url"] == "/" + entry["file"] and entry["served_by"] != PHP)
    share = moved / len(files) if files else 0.0
    summary = f"{moved} of {len(files)} PHP entry points moved to Python ({share:.0%})."
    result = {
        "changed": False,
        "entries": entries,
        "fallback": fallback,
        "php_entry_points": len(files),
        "moved_to_python": moved,
        "share_moved": round(share, 4),
        "table": table(entries, fallback, summary),
        "mismatches": mismatches,
    }
    if mismatches:
        module.fail_json(msg="requests contradict the report: " + "; ".join(mismatches), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
