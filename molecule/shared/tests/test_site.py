"""What every hybrid.web host must do, in whichever mode its inventory sets, checked from inside it."""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator

import pytest
from conftest import (
    DOCUMENT_ROOT,
    GROUND_TRUTH_PORT,
    HYBRID_PORT,
    Expect,
    Fetch,
    Response,
    fetch,
    fetch_many,
    tls_port,
)
from testinfra.host import Host

STRAY_FILES = ["other.py", "main.py~", "main.pyc", "index.php.bak", "page-1.php.swp", "index.php~", ".env"]

# The core promise: behind the fallback the app sees exactly what it sees under
# WSGIScriptAlias at its mount point. Each of these broke a naive configuration.
SAME_AS_WSGISCRIPTALIAS = [
    "/some/url",
    "/some/url/",
    "/some/url?x=1&y=2",
    "/a%20b",
    "/a%3Fb",
    "/a%25b",
    "/caf%C3%A9",
    "/caf%C3%A9/na%C3%AFve?q=%C3%A9t%C3%A9",
    "/assets/",
    "/assets/missing.png",
    "/page-1.php.bak",
    "/nope.php",
    "//double//slash",
    "/x/../y",
    "/hello",
    "/old-about",
    "/old-about?keep=1",
]


def _daemon_users(host: Host, group: str) -> set[str]:
    lines = host.run(f"ps -eo user:32,args | grep '[(]wsgi:{group})'").stdout.splitlines()
    return {line.split()[0] for line in lines}


def _daemon_pids(host: Host, group: str) -> set[str]:
    lines = host.run(f"ps -eo pid,args | grep '[(]wsgi:{group})'").stdout.splitlines()
    return {line.split()[0] for line in lines}


def test_apache_runs_with_the_mpm_the_php_mode_needs(host: Host, expect: Expect) -> None:
    assert host.service("apache2").is_running
    assert host.service("apache2").is_enabled
    mpm = "prefork" if expect.php_mode == "mod_php" else "event"
    assert f"mpm_{mpm}_module" in host.run("apache2ctl -M").stdout


def test_prefork_starts_more_children_than_debian_and_never_reaps_them(host: Host, expect: Expect) -> None:
    if expect.php_mode != "mod_php":
        pytest.skip("only mod_php runs under mpm_prefork")
    settings = dict(
        line.split()
        for line in host.file("/etc/apache2/conf-enabled/hybrid-web-security.conf").content_string.splitlines()
        if line.strip().split(" ")[0] in ("StartServers", "MinSpareServers", "MaxSpareServers", "MaxRequestWorkers")
    )
    assert int(settings["StartServers"]) > 5, "Debian's mpm_prefork.conf starts 5 whatever the host"
    assert 1 <= int(settings["MinSpareServers"]) <= int(settings["StartServers"])
    assert settings["MaxSpareServers"] == settings["MaxRequestWorkers"]
    # The children Apache really runs: a wrong <IfModule> name would leave Debian's 5 and pass the lines above. The
    # mod_wsgi daemons are the parent's children too; their display-name tells them apart.
    parent = host.file("/run/apache2/apache2.pid").content_string.strip()
    children = host.run(f"ps --ppid {parent} -o args=").stdout.splitlines()
    assert len([args for args in children if not args.startswith("(wsgi:")]) >= int(settings["StartServers"])


def test_php_runs_the_way_the_php_mode_says(host: Host, expect: Expect) -> None:
    modules = host.run("apache2ctl -M").stdout
    fpm = host.service(f"php{expect.php_version}-fpm")
    if expect.php_mode == "fpm":
        assert fpm.is_running
        assert fpm.is_enabled
        assert "php_module" not in modules
    else:
        assert not fpm.is_running
        assert "php_module" in modules


def test_each_app_runs_in_its_own_daemon_process_group_as_its_own_user(host: Host, get: Fetch, expect: Expect) -> None:
    get(expect.mount + "/hello")
    assert _daemon_users(host, expect.main_app) == {expect.main_user}
    for app in expect.extra_apps:
        get(f"/{app['name']}/hello")
        assert _daemon_users(host, str(app["name"])) == {app.get("user", f"{app['name']}-wsgi")}


def test_embedded_mode_is_disabled_server_wide(host: Host) -> None:
    assert "WSGIRestrictEmbedded On" in host.file("/etc/apache2/conf-enabled/hybrid-web-wsgi.conf").content_string


def test_distribution_default_site_is_disabled(host: Host) -> None:
    assert not host.file("/etc/apache2/sites-enabled/000-default.conf").exists


def test_static_file_is_served_as_is(host: Host, get: Fetch, expect: Expect) -> None:
    response = get(expect.php_prefix + "/robots.txt")
    assert response.status == 200
    # content_string drops the file's final newline, as `check_output` does.
    on_disk = host.file(DOCUMENT_ROOT + expect.php_prefix + "/robots.txt").content_string
    assert response.body.rstrip("\n") == on_disk.rstrip("\n")
    assert "Disallow: /private/" in response.body
    assert response.served_by == ""


def test_php_pages_are_rendered_by_php(get: Fetch, expect: Expect) -> None:
    page = get(expect.php_prefix + "/page-1.php?name=Ada")
    assert (page.status, page.served_by) == (200, "php")
    assert "Hello, Ada." in page.body
    home = get(expect.php_prefix + "/")
    if expect.mode == "cutover":
        assert home.served_by == "python", "after the cut-over Python owns /"
        assert home.environ["PATH_INFO"] == "/"
    else:
        assert (home.status, home.served_by) == (200, "php")
        assert "Legacy PHP site: home" in home.body
        assert "<?php" not in home.body


def test_unknown_url_under_the_mount_point_goes_to_python(get: Fetch, expect: Expect) -> None:
    response = get(expect.mount + "/anything/else")
    assert (response.status, response.served_by) == (404, "python")
    assert response.environ == {"SCRIPT_NAME": expect.mount, "PATH_INFO": "/anything/else", "QUERY_STRING": ""}


def test_unknown_url_outside_a_sub_url_mount_stays_with_apache(get: Fetch, expect: Expect) -> None:
    if expect.mode != "suburl":
        pytest.skip("only a sub-URL mount leaves unknown URLs to Apache")
    response = get("/anything/else")
    assert (response.status, response.served_by) == (404, "")


@pytest.fixture(scope="module")
def side_by_side(host: Host, expect: Expect) -> dict[str, tuple[Response, Response]]:
    """Each URL of the list, fetched behind the hybrid set-up and from the ground truth."""
    urls = [expect.mount + path for path in SAME_AS_WSGISCRIPTALIAS]
    responses = fetch_many(host, [(url, port) for url in urls for port in (HYBRID_PORT, GROUND_TRUTH_PORT)])
    return {
        path: (responses[2 * index], responses[2 * index + 1]) for index, path in enumerate(SAME_AS_WSGISCRIPTALIAS)
    }


@pytest.mark.parametrize("path", SAME_AS_WSGISCRIPTALIAS)
def test_app_sees_what_it_sees_under_wsgiscriptalias(
    side_by_side: dict[str, tuple[Response, Response]], expect: Expect, path: str
) -> None:
    url = expect.mount + path
    hybrid, truth = side_by_side[path]
    assert hybrid.served_by == "python", f"{url} did not reach Python: {hybrid.status}"
    assert (hybrid.status, hybrid.environ) == (truth.status, truth.environ)
    assert hybrid.headers.get("location") == truth.headers.get("location")


def test_the_mount_point_itself_goes_to_python_when_python_owns_it(get: Fetch, expect: Expect) -> None:
    if expect.mode == "root":
        pytest.skip("in root mode the directory index (PHP) keeps the mount point's own URL")
    url = expect.mount + "/"
    hybrid = get(url)
    truth = get(url, port=GROUND_TRUTH_PORT)
    assert hybrid.served_by == "python"
    assert (hybrid.status, hybrid.environ) == (truth.status, truth.environ)


def test_redirect_location_does_not_leak_main_py(host: Host, get: Fetch, expect: Expect) -> None:
    response = get(expect.mount + "/old-about")
    assert response.status == 301
    scheme = "https" if tls_port(host) else "http"
    assert response.headers["location"] == f"{scheme}://example.test{expect.mount}/about/"


def test_main_py_is_never_returned_as_source(host: Host, expect: Expect) -> None:
    paths = ["/main.py", "/main.py/hello", "/main.py?x=1", "/MAIN.py", "/main.py%00", "/./main.py"]
    for path, response in zip(
        paths, fetch_many(host, [(expect.mount + path, HYBRID_PORT) for path in paths]), strict=True
    ):
        assert "import" not in response.body, path
        assert response.status in (400, 403, 404) or response.served_by == "python", path


@pytest.fixture
def stray_files(host: Host, expect: Expect) -> Iterator[dict[str, str]]:
    """Files an admin or an editor leaves in a DocumentRoot, each with a secret in it."""
    directory = DOCUMENT_ROOT + expect.php_prefix
    files = {name: f"secret-{index}" for index, name in enumerate(STRAY_FILES)}
    for name, secret in files.items():
        host.run(f"printf %s {secret} > {shlex.quote(directory + '/' + name)}")
    yield files
    host.run("rm -f " + " ".join(shlex.quote(directory + "/" + name) for name in files))


def test_python_sources_and_backup_copies_in_the_document_root_are_never_served(
    host: Host, expect: Expect, stray_files: dict[str, str]
) -> None:
    names = list(stray_files)
    responses = fetch_many(host, [(f"{expect.php_prefix}/{name}", HYBRID_PORT) for name in names])
    for name, response in zip(names, responses, strict=True):
        assert response.status == 403, f"{expect.php_prefix}/{name} answered {response.status}"
        assert stray_files[name] not in response.body


def test_moved_urls_go_to_python_while_their_php_files_stay(host: Host, get: Fetch, expect: Expect) -> None:
    if not expect.moved:
        pytest.skip("nothing moved on this host")
    for moved in expect.moved:
        # A moved prefix is checked through its index.php, a file PHP would otherwise run.
        urls = [moved, moved + "index.php"] if moved.endswith("/") else [moved]
        assert host.file(DOCUMENT_ROOT + urls[-1]).exists, f"{urls[-1]} should still be on disk"
        for url in urls:
            response = get(url)
            assert response.served_by == "python", f"{url} answered by {response.served_by or 'Apache'}"
            assert response.environ["PATH_INFO"] == url
    assert get("/page-1.php").served_by == "php", "an unmoved page must stay with PHP"


def test_extra_apps_answer_at_their_mount_points(get: Fetch, expect: Expect) -> None:
    if not expect.extra_apps:
        pytest.skip("no extra apps on this host")
    for app in expect.extra_apps:
        response = get(f"/{app['name']}/hello?x=1")
        assert (response.status, response.served_by) == (200, "python")
        assert response.environ == {"SCRIPT_NAME": f"/{app['name']}", "PATH_INFO": "/hello", "QUERY_STRING": "x=1"}
        assert response.headers["x-hybrid-process-group"] == app["name"]
    assert get("/hello").headers["x-hybrid-process-group"] == expect.main_app


def test_restarting_one_app_leaves_the_other_running(host: Host, get: Fetch, expect: Expect) -> None:
    if not expect.extra_apps:
        pytest.skip("no second app on this host")
    api = str(expect.extra_apps[0]["name"])
    get("/hello")
    get(f"/{api}/hello")
    main_before, api_before = _daemon_pids(host, expect.main_app), _daemon_pids(host, api)
    host.run(f"touch {DOCUMENT_ROOT}/{api}/main.py")
    deadline = time.monotonic() + 20
    while _daemon_pids(host, api) & api_before and time.monotonic() < deadline:
        get(f"/{api}/hello")
        time.sleep(0.5)
    assert not _daemon_pids(host, api) & api_before, "the touched app's daemon did not restart"
    assert get(f"/{api}/hello").served_by == "python"
    assert _daemon_pids(host, expect.main_app) == main_before, "the other app's daemon restarted too"


def test_the_app_runs_in_its_virtualenv_with_its_requirements(host: Host, get: Fetch, expect: Expect) -> None:
    if not expect.app_venv:
        pytest.skip("the app has no requirements on this host")
    hello = get(f"{expect.mount}/hello")
    assert hello.headers["x-app-python-prefix"] == expect.app_venv, "the daemon does not use the app's virtualenv"
    assert hello.headers["x-app-idna"] == "3.10", "the requirement is not what the daemon imports"
    venv = host.file(expect.app_venv)
    assert (venv.user, venv.group, venv.mode & 0o022) == ("root", "root", 0), "the venv must be root's, not writable"
    daemon_writable = host.run(f"runuser -u {expect.main_user} -- find {expect.app_venv} -writable -print -quit")
    assert daemon_writable.stdout == "", f"the daemon user can write {daemon_writable.stdout}"


def test_the_app_runs_on_the_mod_wsgi_the_host_asked_for(host: Host, get: Fetch, expect: Expect) -> None:
    running = get(f"{expect.mount}/hello").headers["x-app-mod-wsgi"]
    modules = "/etc/apache2/mods-enabled"
    if expect.mod_wsgi_source == "pip":
        assert running == expect.mod_wsgi_pip_version, "the daemons do not run the mod_wsgi built from PyPI"
        load = host.file(f"{modules}/hybrid_web_wsgi.load").content_string
        assert f'LoadModule wsgi_module "{expect.mod_wsgi_pip_venv}/' in load, load
        assert not host.file(f"{modules}/wsgi.load").exists, "Debian's mod_wsgi is enabled too"
    else:
        package = host.package("libapache2-mod-wsgi-py3")
        assert package.is_installed
        assert package.version.startswith(f"{running}-"), f"the daemons run mod_wsgi {running}, not {package.version}"
        assert not host.file(f"{modules}/hybrid_web_wsgi.load").exists, "a pip-built mod_wsgi is enabled too"


def test_the_app_gets_its_environment_and_its_secret_stays_out_of_sight(host: Host, get: Fetch, expect: Expect) -> None:
    if not expect.app_env:
        pytest.skip("the app has no environment on this host")
    assert get(f"{expect.mount}/hello").headers["x-app-greeting"] == expect.app_env["HYBRID_GREETING"]
    environment = host.file(f"/etc/hybrid-web/{expect.main_app}.env.json")
    assert (environment.user, environment.group, environment.mode) == ("root", expect.main_user, 0o640)
    # Spelled in two halves: the command line itself lands in the journal (Ansible logs the commands it runs).
    value = expect.app_secret
    assert len(value) > 12, "the inventory gives the app no test secret to look for"
    secret = f'"$(printf %s {shlex.quote(value[:6])} {shlex.quote(value[6:])})"'
    # Apache's configuration, the site, the app's home and logs; and any file other users may read.
    found = host.run(
        f"grep -rlF {secret} /etc/apache2 /var/www /srv /var/log 2>/dev/null; "
        f"find /etc /srv /var/www /var/log /tmp -xdev -type f -perm -o=r -exec grep -lF {secret} {{}} + 2>/dev/null"
    )
    assert found.stdout.split() == [], "the app's secret is readable where it must not be"
    assert host.run(f"runuser -u www-data -- cat {environment.path}").rc != 0, "Apache's user can read the secret"


def test_the_apps_static_files_are_served_by_apache_never_by_python(get: Fetch, expect: Expect) -> None:
    if not expect.static_aliases:
        pytest.skip("no static directory on this host")
    url = expect.static_aliases[0]["url"]
    style, missing = get(f"{url}app.css"), get(f"{url}missing.css")
    assert (style.status, style.served_by) == (200, ""), style
    assert "The Python app's own static file" in style.body
    assert (missing.status, missing.served_by) == (404, ""), "a missing static file must not reach the app"


def test_version_control_metadata_is_never_served(host: Host, expect: Expect) -> None:
    directory = DOCUMENT_ROOT + expect.php_prefix
    host.run(f"mkdir -p {directory}/.git && printf 'secret-git' > {directory}/.git/config")
    try:
        paths = [f"{expect.php_prefix}/.git/config", f"{expect.php_prefix}/.git/", f"{expect.php_prefix}/.git"]
        for path, response in zip(paths, fetch_many(host, [(path, HYBRID_PORT) for path in paths]), strict=True):
            assert response.status in (403, 404), f"{path} answered {response.status}"
            assert "secret-git" not in response.body, path
    finally:
        host.run(f"rm -rf {directory}/.git")


def test_directory_listings_are_off(host: Host, expect: Expect) -> None:
    host.run(
        f"mkdir -p {DOCUMENT_ROOT}{expect.php_prefix}/listing && touch {DOCUMENT_ROOT}{expect.php_prefix}/listing/a.txt"
    )
    try:
        response = fetch(host, f"{expect.php_prefix}/listing/")
        assert "Index of" not in response.body, response.status
        assert "a.txt" not in response.body, response.status
    finally:
        host.run(f"rm -rf {DOCUMENT_ROOT}{expect.php_prefix}/listing")


def test_trace_is_refused_and_the_server_says_little_about_itself(host: Host, expect: Expect) -> None:
    trace, page = fetch(host, "/", method="TRACE"), fetch(host, expect.php_prefix + "/page-1.php")
    assert trace.status == 405
    assert page.headers["server"] == "Apache"
    assert "x-powered-by" not in page.headers, "PHP's expose_php is on"


def test_the_daemon_user_cannot_write_its_code_main_py_or_the_apache_config(host: Host, expect: Expect) -> None:
    variables = host.ansible.get_variables()
    targets = [
        variables.get("hybrid_site_app_dir", "/srv/hybrid-web/app"),
        f"{DOCUMENT_ROOT}{expect.mount}/main.py",
        f"{DOCUMENT_ROOT}{expect.mount}",
        "/etc/apache2/sites-available",
        "/etc/apache2/apache2.conf",
    ]
    for target in targets:
        assert host.file(target).exists, target
        writable = host.run(f"runuser -u {expect.main_user} -- test -w {shlex.quote(target)}")
        assert writable.rc != 0, f"{expect.main_user} can write {target}"


def test_php_and_apache_children_run_unprivileged(host: Host, expect: Expect) -> None:
    # The Apache parent's children are its workers and the mod_wsgi daemons (checked per app above).
    children = host.run(
        "ps -o user=,args= --ppid \"$(cat /run/apache2/apache2.pid)\" | grep -v '(wsgi:' | cut -d' ' -f1"
    ).stdout.split()
    assert set(children) == {"www-data"}, children
    if expect.php_mode == "fpm":
        workers = host.run(f'ps -o user= --ppid "$(cat /run/php/php{expect.php_version}-fpm.pid)"').stdout.split()
        assert set(workers) == {"www-data"}, workers


def test_plain_http_redirects_to_https_with_path_and_query(host: Host) -> None:
    if not tls_port(host):
        pytest.skip("this host serves plain HTTP")
    location = host.run(
        "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: example.test' 'http://127.0.0.1/page-1.php?a=1'"
    ).stdout
    assert location == "301 https://example.test/page-1.php?a=1"


def test_https_sends_hsts_and_refuses_old_protocols(host: Host, get: Fetch) -> None:
    if not tls_port(host):
        pytest.skip("this host serves plain HTTP")
    assert get("/robots.txt").headers["strict-transport-security"] == "max-age=300"
    # The client offers TLS 1.1 (SECLEVEL=0 lets OpenSSL 3 do so): a refusal can only come from the server.
    handshake = "openssl s_client -connect 127.0.0.1:{} -servername example.test {} </dev/null 2>&1"
    old = host.run(handshake.format(tls_port(host), "-tls1_1 -cipher DEFAULT:@SECLEVEL=0"))
    current = host.run(handshake.format(tls_port(host), "-tls1_2"))
    assert "Protocol  : TLSv1.2" in current.stdout, current.stdout
    assert old.rc != 0, old.stdout
    assert "alert protocol version" in old.stdout, old.stdout
