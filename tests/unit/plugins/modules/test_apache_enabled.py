from __future__ import annotations

from pathlib import Path

from ansible_collections.hybrid.web.plugins.modules.apache_enabled import KINDS, contradictions, describe, plan

MODULES = KINDS[0]
CONFS = KINDS[1]
SITES = KINDS[2]


def _tree(root: Path, available: dict[str, list[str]], enabled: dict[str, list[str]]) -> str:
    """An Apache configuration directory with these files available and these enabled (as links, like a2enmod)."""
    for kind in KINDS:
        (root / f"{kind.prefix}-available").mkdir(parents=True)
        (root / f"{kind.prefix}-enabled").mkdir(parents=True)
        for name in available.get(kind.name, []):
            (root / f"{kind.prefix}-available" / f"{name}{kind.suffix}").write_text("")
        for name in enabled.get(kind.name, []):
            target = Path("..") / f"{kind.prefix}-available" / f"{name}{kind.suffix}"
            (root / f"{kind.prefix}-enabled" / f"{name}{kind.suffix}").symlink_to(target)
    return str(root)


def test_only_what_differs_is_planned(tmp_path: Path) -> None:
    confdir = _tree(
        tmp_path,
        {"modules": ["mpm_event", "mpm_prefork", "mpm_worker", "php8.2", "rewrite"]},
        {"modules": ["mpm_prefork", "php8.2", "rewrite"]},
    )
    step = plan(confdir, MODULES, ["rewrite", "mpm_event"], ["php*", "mpm_prefork", "mpm_worker"])
    assert (step.disable, step.enable, step.missing) == (["php8.2", "mpm_prefork"], ["mpm_event"], [])


def test_a_modules_conf_companion_does_not_count_as_the_module(tmp_path: Path) -> None:
    confdir = _tree(tmp_path, {"modules": ["mpm_event"]}, {})
    (tmp_path / "mods-available" / "mpm_event.conf").write_text("")
    (tmp_path / "mods-enabled" / "mpm_event.conf").symlink_to("../mods-available/mpm_event.conf")
    assert plan(confdir, MODULES, ["mpm_event"], []).enable == ["mpm_event"]


def test_names_keep_the_order_asked_because_a2dismod_refuses_to_remove_a_dependency_first(tmp_path: Path) -> None:
    confdir = _tree(
        tmp_path,
        {"modules": ["mpm_prefork", "php8.2", "php8.3", "proxy", "proxy_fcgi"]},
        {"modules": ["mpm_prefork", "php8.3", "php8.2"]},
    )
    assert plan(confdir, MODULES, [], ["php*", "mpm_prefork", "php8.2"]).disable == ["php8.2", "php8.3", "mpm_prefork"]
    assert plan(confdir, MODULES, ["proxy_fcgi", "proxy", "proxy_fcgi"], []).enable == ["proxy_fcgi", "proxy"]


def test_a_second_run_plans_nothing(tmp_path: Path) -> None:
    confdir = _tree(tmp_path, {"confs": ["security", "hybrid-web-security"]}, {"confs": ["hybrid-web-security"]})
    step = plan(confdir, CONFS, ["hybrid-web-security"], ["security"])
    assert (step.disable, step.enable, step.missing) == ([], [], [])


def test_a_name_that_is_not_available_is_reported(tmp_path: Path) -> None:
    confdir = _tree(tmp_path, {"sites": ["000-default"]}, {"sites": ["000-default"]})
    step = plan(confdir, SITES, ["hybrid", "000-default"], [])
    assert (step.enable, step.missing) == (["hybrid"], ["hybrid"])


def test_a_host_without_apache_plans_every_name_and_misses_none(tmp_path: Path) -> None:
    step = plan(str(tmp_path / "apache2"), MODULES, ["rewrite", "proxy"], ["php*"])
    assert (step.disable, step.enable, step.missing) == ([], ["rewrite", "proxy"], [])


def test_a_name_both_enabled_and_disabled_is_a_contradiction() -> None:
    assert contradictions(MODULES, ["mpm_event", "php8.2"], ["php*", "mpm_worker"]) == ["modules/php8.2"]
    assert contradictions(MODULES, ["mpm_event"], ["php*", "mpm_worker"]) == []


def test_the_diff_lists_the_enabled_names_of_each_kind_that_changes(tmp_path: Path) -> None:
    confdir = _tree(
        tmp_path,
        {"modules": ["mpm_event", "mpm_prefork"], "confs": ["security"]},
        {"modules": ["mpm_prefork"], "confs": ["security"]},
    )
    plans = [plan(confdir, MODULES, ["mpm_event"], ["mpm_prefork"]), plan(confdir, CONFS, [], [])]
    assert describe(plans) == {"before": "mods-enabled: mpm_prefork\n", "after": "mods-enabled: mpm_event\n"}
