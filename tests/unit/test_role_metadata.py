"""Each role's defaults, argument_specs and README rows describe the same variables."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if path.is_dir())


def _defaults(role: str) -> dict[str, object]:
    return yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text()) or {}


def _options(role: str) -> dict[str, dict[str, object]]:
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"]


def test_every_role_is_checked() -> None:
    assert ROLES == ["apache", "haproxy", "hybrid_site", "mod_wsgi", "php"]


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_argument_specs_name_the_same_variables(role: str) -> None:
    assert sorted(_defaults(role)) == sorted(_options(role))


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_argument_specs_agree_on_values(role: str) -> None:
    options = _options(role)
    mismatched = {
        name: (value, options[name].get("default"))
        for name, value in _defaults(role).items()
        if options[name].get("default") != value
    }
    assert mismatched == {}


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_is_prefixed_with_its_role_name(role: str) -> None:
    assert [name for name in _defaults(role) if not name.startswith(f"{role}_")] == []


def test_the_readme_variable_tables_are_generated_from_the_argument_specs() -> None:
    spec = importlib.util.spec_from_file_location("role_docs", ROOT / "scripts" / "role_docs.py")
    assert spec is not None
    assert spec.loader is not None
    role_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(role_docs)
    assert sorted(role_docs.ROLES) == ROLES
    readme = (ROOT / "README.md").read_text()
    assert readme == role_docs.render(readme), "README.md is stale: run scripts/role_docs.py"
