from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid.web.plugins.filter.wsgi_apps import FilterModule, wsgi_apps

SITE = {"name": "site", "wrapper_url": "/main.py", "wsgi_app": "site.wsgi:application", "app_dir": "/srv/site"}
API = {"name": "api", "wrapper_url": "/api/main.py", "wsgi_app": "api.app:app", "app_dir": "/srv/api"}


def test_apps_are_completed_with_defaults_and_mount_points() -> None:
    api = {
        **API,
        **{"user": "apiuser", "processes": 2, "threads": 4, "app_src": "/src/api"},
        **{
            "requirements": "requirements/prod.txt",
            "venv": "/opt/venvs/api",
            "env": {"SECRET_KEY": "s3cret", "A": "1"},
        },
    }
    assert wsgi_apps([SITE, api]) == [
        {
            "name": "site",
            "wrapper_url": "/main.py",
            "mount_point": "",
            "wsgi_app": "site.wsgi:application",
            "wsgi_module": "site.wsgi",
            "wsgi_callable": "application",
            "app_dir": "/srv/site",
            "app_src": "",
            "app_archive": "",
            "app_git_repo": "",
            "app_git_version": "",
            "source": "",
            "archive_format": "",
            "user": "site-wsgi",
            "group": "site-wsgi",
            "processes": 1,
            "threads": 15,
            "requirements": "",
            "venv": "/srv/site-venv",
            "env_names": [],
        },
        {
            "name": "api",
            "wrapper_url": "/api/main.py",
            "mount_point": "/api",
            "wsgi_app": "api.app:app",
            "wsgi_module": "api.app",
            "wsgi_callable": "app",
            "app_dir": "/srv/api",
            "app_src": "/src/api",
            "app_archive": "",
            "app_git_repo": "",
            "app_git_version": "",
            "source": "src",
            "archive_format": "",
            "user": "apiuser",
            "group": "apiuser",
            "processes": 2,
            "threads": 4,
            "requirements": "requirements/prod.txt",
            "venv": "/opt/venvs/api",
            "env_names": ["A", "SECRET_KEY"],
        },
    ]


def _error(apps: object) -> str:
    with pytest.raises(AnsibleFilterError) as error:
        wsgi_apps(apps)
    return str(error.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"name": "my app"},
            "app #1: name='my app' must use letters, digits, '-' and '_', starting with a letter or digit",
        ),
        (
            {"wsgi_app": "site.wsgi"},
            "app 'site': wsgi_app='site.wsgi' must be module:callable, e.g. 'myproject.wsgi:application'",
        ),
        (
            {"wsgi_app": "site-app:application"},
            "app 'site': wsgi_app='site-app:application' must be module:callable, e.g. 'myproject.wsgi:application'",
        ),
        ({"app_dir": "srv/site"}, "app 'site': app_dir='srv/site' must be an absolute, normalised path other than '/'"),
        (
            {"app_dir": "/srv/../etc"},
            "app 'site': app_dir='/srv/../etc' must be an absolute, normalised path other than '/'",
        ),
        ({"app_dir": "/"}, "app 'site': app_dir='/' must be an absolute, normalised path other than '/'"),
        ({"user": "root"}, "app 'site': user='root': the Python daemon needs its own unprivileged account"),
        ({"user": "www-data"}, "app 'site': user='www-data': the Python daemon needs its own unprivileged account"),
        ({"group": "root"}, "app 'site': group='root': the Python daemon needs its own unprivileged account"),
        ({"user": "Bad User"}, "app 'site': user='Bad User' is not a valid account name"),
        ({"processes": 0}, "app 'site': processes=0 must be a whole number of at least 1"),
        ({"threads": "15"}, "app 'site': threads='15' must be a whole number of at least 1"),
        ({"threads": True}, "app 'site': threads=True must be a whole number of at least 1"),
        ({"app_src": None}, "app 'site': app_src=None must be a string"),
        ({"app_archive": 1}, "app 'site': app_archive=1 must be a string"),
        (
            {"app_src": "/src/site", "app_archive": "/src/site.tar.gz"},
            "app 'site': app_src and app_archive are set: choose one code source (or none, to deploy by other means)",
        ),
        (
            {"app_archive": "/src/site.tar.gz", "app_git_repo": "/srv/git/site.git", "app_git_version": "v1"},
            "app 'site': app_archive and app_git_repo are set: "
            "choose one code source (or none, to deploy by other means)",
        ),
        (
            {"app_git_version": "v1"},
            "app 'site': app_git_version='v1' is set but app_git_repo is empty: give the repository URL",
        ),
        (
            {"app_git_repo": "--upload-pack=touch /tmp/x", "app_git_version": "v1"},
            "app 'site': app_git_repo='--upload-pack=touch /tmp/x' must be a repository URL or path without whitespace "
            "or a leading '-'",
        ),
        (
            {"app_git_repo": "https://git.example.test/site.git"},
            "app 'site': app_git_version='' must name the branch, tag or commit to deploy (a tag or commit is fixed)",
        ),
        (
            {"app_archive": "/src/site.rar"},
            "app 'site': app_archive='/src/site.rar' must end in .tar.gz, .tgz, .tar, .zip",
        ),
        (
            {"procs": 2},
            "app 'site': unknown field(s) procs; known: "
            "name, wrapper_url, wsgi_app, app_dir, app_src, app_archive, app_git_repo, app_git_version, user, group, "
            "processes, threads, requirements, venv, env",
        ),
        (
            {"requirements": "/srv/req.txt"},
            "app 'site': requirements='/srv/req.txt' must be a normalised path inside app_dir, without '..'",
        ),
        (
            {"requirements": "../req.txt"},
            "app 'site': requirements='../req.txt' must be a normalised path inside app_dir, without '..'",
        ),
        ({"requirements": ["a"]}, "app 'site': requirements=['a'] must be a string"),
        ({"venv": "venv"}, "app 'site': venv='venv' must be an absolute, normalised path other than '/'"),
        ({"venv": "/srv/site/venv"}, "app 'site': venv='/srv/site/venv' lies inside app 'site''s home"),
        ({"env": ["SECRET=x"]}, "app 'site': env must be a dict of variable names to strings"),
        ({"env": {"SECRET-KEY": "x"}}, "app 'site': env: 'SECRET-KEY' is not a valid environment variable name"),
        # The value is never quoted: it may be a secret.
        ({"env": {"PORT": 8000}}, "app 'site': env: the value of PORT must be a string (quote numbers and booleans)"),
        (
            {"wrapper_url": "/legacy/../main.py"},
            "app 'site': wrapper_url: hybrid.web.mount_point: '/legacy/../main.py' is not a valid main.py URL path: "
            "it must not contain '.' or '..' segments",
        ),
    ],
)
def test_a_bad_field_is_refused_with_the_app_field_and_rule(changes: dict[str, object], message: str) -> None:
    assert _error([{**SITE, **changes}]) == f"hybrid.web.wsgi_apps: {message}"


def test_a_missing_field_is_named() -> None:
    app = {key: value for key, value in SITE.items() if key != "wsgi_app"}
    assert _error([app]) == "hybrid.web.wsgi_apps: app 'site': missing field(s) wsgi_app"


@pytest.mark.parametrize(
    ("api_changes", "message"),
    [
        ({"name": "site"}, "app 'site': name='site' is already used by app 'site'"),
        ({"wrapper_url": "/app.py"}, "app 'api': mount_point='' is already used by app 'site'"),
        ({"app_dir": "/srv/site"}, "app 'api': app_dir='/srv/site' is already used by app 'site'"),
        ({"user": "site-wsgi"}, "app 'api': user='site-wsgi' is already used by app 'site'"),
        ({"venv": "/srv/site-venv"}, "app 'api': venv='/srv/site-venv' is already used by app 'site'"),
        ({"app_dir": "/srv/site/api"}, "app 'api': app_dir='/srv/site/api' lies inside app 'site''s home"),
    ],
)
def test_two_apps_may_not_collide(api_changes: dict[str, object], message: str) -> None:
    assert _error([SITE, {**API, **api_changes}]) == f"hybrid.web.wsgi_apps: {message}"


@pytest.mark.parametrize("apps", [[], None, "site", [["site"]]])
def test_input_that_is_not_a_list_of_apps_is_refused(apps: object) -> None:
    assert _error(apps).startswith("hybrid.web.wsgi_apps: ")


def test_the_filter_is_registered_under_its_documented_name() -> None:
    assert FilterModule().filters() == {"wsgi_apps": wsgi_apps}


@pytest.mark.parametrize(
    ("changes", "source", "archive_format"),
    [
        ({"app_archive": "/src/site-1.0.tar.gz"}, "archive", "tar"),
        ({"app_archive": "files/site.zip"}, "archive", "zip"),
        ({"app_git_repo": "https://git.example.test/site.git", "app_git_version": "v1.0"}, "git", ""),
        ({"app_git_repo": "/srv/git/site.git", "app_git_version": "0123abcd"}, "git", ""),
        # The main app always passes every field; empty strings are no source.
        ({"app_src": "", "app_archive": "", "app_git_repo": "", "app_git_version": ""}, "", ""),
    ],
)
def test_the_code_source_is_named(changes: dict[str, object], source: str, archive_format: str) -> None:
    (app,) = wsgi_apps([{**SITE, **changes}])
    assert (app["source"], app["archive_format"]) == (source, archive_format)
