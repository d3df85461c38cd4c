"""Dependencies point inwards: commerce imports none of the packages that call into it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTER = {"graphql_api", "handlers", "sagas", "infra"}
ALLOWED_OUTSIDE: dict[str, set[str]] = {
    # package → outer packages it may import
    "commerce": set(),
    "graphql_api": set(),
    "handlers": set(),
    "sagas": set(),
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED_OUTSIDE))
def test_a_package_imports_no_outer_package_beside_its_allowance(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(bad)}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if (bad := (imported_top_levels(path) & OUTER) - {package} - ALLOWED_OUTSIDE[package])
    ]
    assert not offenders, offenders


def test_the_domain_never_imports_aws_or_stripe_outside_its_adapters() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "commerce").rglob("*.py"))
        if {"stripe", "moto"} & imported_top_levels(path) and "adapters" not in path.parts
    ]
    assert not offenders, offenders
