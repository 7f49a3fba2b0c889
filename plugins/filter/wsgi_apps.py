# Copyright: hybrid.web contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: wsgi_apps
short_description: Check and complete the list of Python apps of a hybrid site
version_added: 0.1.0
description:
  - Takes the Python apps of a site (the main app first, then any extra apps) and returns them completed with their
    defaults and their mount point (from M(hybrid.web.mount_point) applied to each C(wrapper_url)).
  - Refuses, naming the app, the field and the rule, anything that would let two apps collide (same name, mount
    point, wrapper, home or daemon user), run Python as C(root) or as Apache's or PHP's C(www-data), or break the
    rendered configuration (a bad C(module:callable), a relative or unnormalised path, an unknown field).
positional: _input
options:
  _input:
    description:
      - List of apps. Each is a dict with C(name), C(wrapper_url), C(wsgi_app) and C(app_dir), and optionally
        at most one code source (C(app_src), a directory on the controller; C(app_archive), a C(.tar.gz), C(.tgz),
        C(.tar) or C(.zip) file on the controller; or C(app_git_repo), a git repository URL, with C(app_git_version),
        the branch, tag or commit to check out; with none of them the code is deployed by other means), C(user)
        (default C(<name>-wsgi)), C(group) (default the user),
        C(processes) (default 1), C(threads) (default 15), C(requirements) (a pip requirements file, relative to
        C(app_dir); default C('') for none), C(venv) (the virtualenv those requirements go into; default
        C(<app_dir>-venv)) and C(env) (environment variables, a dict of strings; default C({})).
      - The result carries C(source), the kind of code source (C(src), C(archive), C(git), or C('') for none), and
        C(archive_format) (C(tar), C(zip) or C('')).
      - The result carries C(env_names), the sorted names of C(env), never its values, so that the completed list
        can be shown without showing secrets.
    type: list
    elements: dict
    required: true
author:
  - hybrid.web maintainers (@hybrid-web)
"""

EXAMPLES = r"""
- name: The main app at the site root and an API at /api
  ansible.builtin.debug:
    msg: >-
      {{ [
           {'name': 'site', 'wrapper_url': '/main.py', 'wsgi_app': 'site.wsgi:application', 'app_dir': '/srv/site'},
           {'name': 'api', 'wrapper_url': '/api/main.py', 'wsgi_app': 'api.wsgi:app', 'app_dir': '/srv/api'},
         ] | hybrid.web.wsgi_apps }}
"""

RETURN = r"""
_value:
  description: The apps, each with every field set and C(mount_point) added.
  type: list
  elements: dict
"""

import posixpath
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid.web.plugins.filter.mount_point import mount_point

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]*$")
_WSGI_APP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")
_PRIVILEGED = ("root", "www-data")
_REQUIRED = ("name", "wrapper_url", "wsgi_app", "app_dir")
_SOURCES = ("app_src", "app_archive", "app_git_repo")
_OPTIONAL = (*_SOURCES, "app_git_version", "user", "group", "processes", "threads", "requirements", "venv", "env")
# Archive formats ansible.builtin.unarchive extracts, by file name ending.
_ARCHIVES = {".tar.gz": "tar", ".tgz": "tar", ".tar": "tar", ".zip": "zip"}
# A git URL, path or ref: no whitespace or control characters, and no leading '-' that git would read as an option.
_GIT_WORD = re.compile(r"^[^-\s\x00-\x1f\x7f][^\s\x00-\x1f\x7f]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Fields no two apps may share.
_UNIQUE = ("name", "mount_point", "wrapper_url", "app_dir", "user", "venv")


def _fail(label: str, message: str) -> AnsibleFilterError:
    return AnsibleFilterError(f"hybrid.web.wsgi_apps: {label}: {message}")


def _check_path(label: str, field: str, value: object) -> str:
    if not isinstance(value, str) or not value.startswith("/") or value == "/" or posixpath.normpath(value) != value:
        raise _fail(label, f"{field}={value!r} must be an absolute, normalised path other than '/'")
    return value


def _check_count(label: str, field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(label, f"{field}={value!r} must be a whole number of at least 1")
    return value


def _check_requirements(label: str, value: object) -> str:
    if not isinstance(value, str):
        raise _fail(label, f"requirements={value!r} must be a string")
    if value and (value.startswith("/") or posixpath.normpath(value) != value or value.split("/")[0] == ".."):
        raise _fail(label, f"requirements={value!r} must be a normalised path inside app_dir, without '..'")
    return value


def _check_env(label: str, value: object) -> list[str]:
    """The variable names of env; its values are checked but never quoted, as they may be secrets."""
    if not isinstance(value, Mapping):
        raise _fail(label, "env must be a dict of variable names to strings")
    for name, setting in value.items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise _fail(label, f"env: {name!r} is not a valid environment variable name")
        if not isinstance(setting, str):
            raise _fail(label, f"env: the value of {name} must be a string (quote numbers and booleans)")
    return sorted(value)


def _check_source(label: str, app: Mapping[str, object]) -> dict[str, str]:
    """The app's code source: at most one of app_src, app_archive and app_git_repo (an empty string is none)."""
    fields: dict[str, str] = {}
    for field in (*_SOURCES, "app_git_version"):
        value = app.get(field, "")
        if not isinstance(value, str):
            raise _fail(label, f"{field}={value!r} must be a string")
        fields[field] = value
    chosen = [field for field in _SOURCES if fields[field]]
    if len(chosen) > 1:
        both = " and ".join(chosen)
        raise _fail(label, f"{both} are set: choose one code source (or none, to deploy by other means)")
    repo, version, archive = fields["app_git_repo"], fields["app_git_version"], fields["app_archive"]
    if version and not repo:
        raise _fail(label, f"app_git_version={version!r} is set but app_git_repo is empty: give the repository URL")
    if repo and not _GIT_WORD.match(repo):
        rule = "must be a repository URL or path without whitespace or a leading '-'"
        raise _fail(label, f"app_git_repo={repo!r} {rule}")
    if repo and not _GIT_WORD.match(version):
        rule = "must name the branch, tag or commit to deploy (a tag or commit is fixed)"
        raise _fail(label, f"app_git_version={version!r} {rule}")
    archive_format = next((kind for suffix, kind in _ARCHIVES.items() if archive.endswith(suffix)), "")
    if archive and not archive_format:
        raise _fail(label, f"app_archive={archive!r} must end in {', '.join(_ARCHIVES)}")
    source = {"app_src": "src", "app_archive": "archive", "app_git_repo": "git"}[chosen[0]] if chosen else ""
    return {**fields, "source": source, "archive_format": archive_format}


def _complete(index: int, app: object) -> dict[str, object]:
    label = f"app #{index + 1}"
    if not isinstance(app, Mapping):
        raise _fail(label, f"each app must be a dict, not {type(app).__name__}")
    name = app.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(label, f"name={name!r} must use letters, digits, '-' and '_', starting with a letter or digit")
    label = f"app {name!r}"
    unknown = sorted(set(app) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(label, f"unknown field(s) {', '.join(unknown)}; known: {', '.join(_REQUIRED + _OPTIONAL)}")
    missing = [field for field in _REQUIRED if field not in app]
    if missing:
        raise _fail(label, f"missing field(s) {', '.join(missing)}")
    wsgi_app = app["wsgi_app"]
    if not isinstance(wsgi_app, str) or not _WSGI_APP.match(wsgi_app):
        raise _fail(label, f"wsgi_app={wsgi_app!r} must be module:callable, e.g. 'myproject.wsgi:application'")
    try:
        mount = mount_point(app["wrapper_url"])
    except AnsibleFilterError as error:
        raise _fail(label, f"wrapper_url: {error}") from error
    user = app.get("user", f"{name}-wsgi")
    group = app.get("group", user)
    for field, account in (("user", user), ("group", group)):
        if not isinstance(account, str) or not _ACCOUNT.match(account):
            raise _fail(label, f"{field}={account!r} is not a valid account name")
        if account in _PRIVILEGED:
            raise _fail(label, f"{field}={account!r}: the Python daemon needs its own unprivileged account")
    source = _check_source(label, app)
    module, _colon, callable_name = wsgi_app.partition(":")
    app_dir = _check_path(label, "app_dir", app["app_dir"])
    return {
        "name": name,
        "wrapper_url": app["wrapper_url"],
        "mount_point": mount,
        "wsgi_app": wsgi_app,
        "wsgi_module": module,
        "wsgi_callable": callable_name,
        "app_dir": app_dir,
        **source,
        "user": user,
        "group": group,
        "processes": _check_count(label, "processes", app.get("processes", 1)),
        "threads": _check_count(label, "threads", app.get("threads", 15)),
        "requirements": _check_requirements(label, app.get("requirements", "")),
        "venv": _check_path(label, "venv", app.get("venv", f"{app_dir}-venv")),
        "env_names": _check_env(label, app.get("env", {})),
    }


def wsgi_apps(apps: object) -> list[dict[str, object]]:
    """Return the apps completed with defaults and mount points, or fail on the first conflict."""
    if not isinstance(apps, list) or not apps:
        raise _fail("apps", f"expected a non-empty list of apps, got {apps!r}")
    completed = [_complete(index, app) for index, app in enumerate(apps)]
    for field in _UNIQUE:
        seen: dict[object, str] = {}
        for app in completed:
            value = app[field]
            if value in seen:
                raise _fail(f"app {app['name']!r}", f"{field}={value!r} is already used by app {seen[value]!r}")
            seen[value] = str(app["name"])
    for app in completed:
        for other in completed:
            for field in ("app_dir", "venv"):
                if (app is not other or field == "venv") and f"{app[field]}/".startswith(f"{other['app_dir']}/"):
                    raise _fail(
                        f"app {app['name']!r}", f"{field}={app[field]!r} lies inside app {other['name']!r}'s home"
                    )
    return completed


class FilterModule:
    """hybrid.web filters."""

    def filters(self) -> dict[str, object]:
        return {"wsgi_apps": wsgi_apps}
