#!/usr/bin/python
# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: apache_enabled
short_description: Enable and disable Apache modules, configurations and sites the Debian way, in one task
version_added: 0.1.0
description:
  - Runs Debian's C(a2dismod), C(a2disconf), C(a2dissite), then C(a2enmod), C(a2enconf), C(a2ensite), each once
    with every name it has to change, so that a role sets all its links in one task instead of one task per name.
  - Disabling comes first, so that one MPM or one C(wsgi_module) can replace another. Modules are enabled before
    configurations and sites, which may use their directives. Within a kind, names are disabled and enabled in the
    order given, so that a module goes before the one it depends on (C(php*) before C(mpm_prefork)).
  - Every name to enable must be in the C(*-available) directory before anything changes; the module fails
    otherwise and leaves the links as they were. On a host where Apache is not installed yet (check mode on a fresh
    host), every name is reported as to be enabled.
  - Only the links change. Apache reads them at its next reload or restart, which the caller's handler does after
    its configuration test.
options:
  confdir:
    description: Apache's configuration directory (C(APACHE_CONFDIR) of the a2enmod tools).
    type: path
    default: /etc/apache2
  enable_modules:
    description: Modules to enable, by name as for C(a2enmod) (C(rewrite), not C(mod_rewrite) or C(rewrite.load)).
    type: list
    elements: str
    default: []
  disable_modules:
    description: Modules to disable; shell patterns (C(php*)) match every enabled module of that name.
    type: list
    elements: str
    default: []
  enable_confs:
    description: Configurations of C(conf-available) to enable, by name without C(.conf).
    type: list
    elements: str
    default: []
  disable_confs:
    description: Configurations to disable; shell patterns allowed.
    type: list
    elements: str
    default: []
  enable_sites:
    description: Sites of C(sites-available) to enable, by name without C(.conf).
    type: list
    elements: str
    default: []
  disable_sites:
    description: Sites to disable; shell patterns allowed.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Reports what it would enable and disable, and changes nothing.
    support: full
  diff_mode:
    description: Shows the enabled names of each kind that changes, before and after.
    support: full
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: Switch Apache to the event MPM
  hybrid.web.apache_enabled:
    disable_modules: ["php*", mpm_prefork, mpm_worker]
    enable_modules: [mpm_event]
  notify: restart apache

- name: Hand *.php to php-fpm in every vhost
  hybrid.web.apache_enabled:
    enable_modules: [proxy, proxy_fcgi, setenvif]
    enable_confs: [php8.2-fpm]
  notify: reload apache
"""

RETURN = r"""
enabled:
  description: What the module enabled (or would enable, in check mode), as C(<kind>/<name>).
  returned: always
  type: list
  elements: str
  sample: ["modules/mpm_event", "confs/hybrid-web-security"]
disabled:
  description: What the module disabled (or would disable), as C(<kind>/<name>).
  returned: always
  type: list
  elements: str
  sample: ["modules/mpm_prefork", "confs/security"]
"""

import fnmatch
import os
from dataclasses import dataclass

from ansible.module_utils.basic import AnsibleModule


@dataclass(frozen=True)
class Kind:
    """One kind of Apache link: its directories' prefix, its files' suffix and Debian's tools for it."""

    name: str
    prefix: str
    suffix: str
    enable_tool: str
    disable_tool: str


KINDS = (
    Kind("modules", "mods", ".load", "a2enmod", "a2dismod"),
    Kind("confs", "conf", ".conf", "a2enconf", "a2disconf"),
    Kind("sites", "sites", ".conf", "a2ensite", "a2dissite"),
)


@dataclass
class Plan:
    """For one kind: what is enabled now, what to disable and to enable, and what is asked for but not available."""

    kind: Kind
    enabled: set[str]
    disable: list[str]
    enable: list[str]
    missing: list[str]


def names_in(directory: str, suffix: str) -> set[str] | None:
    """The names of the files (or links) with that suffix in the directory; None when it does not exist."""
    try:
        entries = os.listdir(directory)
    except FileNotFoundError:
        return None
    return {entry[: -len(suffix)] for entry in entries if entry.endswith(suffix)}


def plan(confdir: str, kind: Kind, enable: list[str], disable: list[str]) -> Plan:
    enabled = names_in(os.path.join(confdir, f"{kind.prefix}-enabled"), kind.suffix) or set()
    available = names_in(os.path.join(confdir, f"{kind.prefix}-available"), kind.suffix)
    # In the order asked: a2dismod refuses to disable a module (mpm_prefork) while one that depends on it (mod_php)
    # is still on, even in the same call.
    to_disable = list(dict.fromkeys(name for pattern in disable for name in sorted(fnmatch.filter(enabled, pattern))))
    to_enable = [name for name in dict.fromkeys(enable) if name not in enabled]
    missing = [] if available is None else [name for name in to_enable if name not in available]
    return Plan(kind, enabled, to_disable, to_enable, missing)


def contradictions(kind: Kind, enable: list[str], disable: list[str]) -> list[str]:
    """The names asked to be enabled that a pattern to disable also matches."""
    return [f"{kind.name}/{name}" for name in sorted(set(enable)) if any(fnmatch.fnmatch(name, p) for p in disable)]


def describe(plans: list[Plan]) -> dict[str, str]:
    """Diff mode's before and after: the enabled names of each kind that changes."""
    before, after = [], []
    for step in plans:
        if not (step.enable or step.disable):
            continue
        later = (step.enabled - set(step.disable)) | set(step.enable)
        before.append(f"{step.kind.prefix}-enabled: {' '.join(sorted(step.enabled))}\n")
        after.append(f"{step.kind.prefix}-enabled: {' '.join(sorted(later))}\n")
    return {"before": "".join(before), "after": "".join(after)}


def main() -> None:
    names = {"type": "list", "elements": "str", "default": []}
    module = AnsibleModule(
        argument_spec={
            "confdir": {"type": "path", "default": "/etc/apache2"},
            **{f"{verb}_{kind.name}": names for verb in ("enable", "disable") for kind in KINDS},
        },
        supports_check_mode=True,
    )
    confdir = module.params["confdir"]
    asked = {kind: (module.params[f"enable_{kind.name}"], module.params[f"disable_{kind.name}"]) for kind in KINDS}
    both = [name for kind, (enable, disable) in asked.items() for name in contradictions(kind, enable, disable)]
    plans = [plan(confdir, kind, enable, disable) for kind, (enable, disable) in asked.items()]
    missing = [f"{step.kind.name}/{name}" for step in plans for name in step.missing]
    if both:
        module.fail_json(msg=f"asked to both enable and disable {', '.join(both)}")
    if missing:
        module.fail_json(msg=f"not available in {confdir}, nothing changed: {', '.join(missing)}")

    result = {
        "changed": any(step.enable or step.disable for step in plans),
        "enabled": [f"{step.kind.name}/{name}" for step in plans for name in step.enable],
        "disabled": [f"{step.kind.name}/{name}" for step in plans for name in step.disable],
    }
    if module._diff:
        result["diff"] = describe(plans)
    if module.check_mode:
        module.exit_json(**result)

    environ = {"APACHE_CONFDIR": confdir}
    for tool, selected in [(step.kind.disable_tool, step.disable) for step in plans] + [
        (step.kind.enable_tool, step.enable) for step in plans
    ]:
        if selected:
            module.run_command(
                [module.get_bin_path(tool, required=True), "-q", *selected], check_rc=True, environ_update=environ
            )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
