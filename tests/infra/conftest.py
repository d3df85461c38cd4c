"""The Pulumi program under mocks (run once per session) and the real Lambda bundle (built once into build/)."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.components import packaging
from tests.infra.program import Program, run_program

STACK_CONFIG = {
    "emailFrom": "orders@shop.example.com",
    "alarmEmail": "ops@shop.example.com",
    "stripePublishableKey": "pk_test_mocked",
    "stripeSecretKey": "sk_test_mocked",
    "stripeWebhookSecret": "whsec_mocked",
    "orderTokenKey": "o" * 64,
    "jwtSigningKey": "j" * 64,
    "adminPasswordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
}
SECRET_KEYS = ("stripeSecretKey", "stripeWebhookSecret", "orderTokenKey", "jwtSigningKey", "adminPasswordHash")
SPA_FILES = {
    "index.html": "<!doctype html><div id=root></div>",
    "assets/index-3f9a1c.js": "console.log('shop')",
    "assets/index-77b2e0.css": "body{}",
    "favicon.svg": "<svg/>",
    "config.json": '{"stripePublishableKey": "pk_from_the_build"}',
}

_bundle_report: list[str] = []


def fake_bundle(directory: Path) -> packaging.Bundle:
    """Stand-in zips: the program only names them; the real bundle has its own tests."""
    archives = []
    for name in ("dependencies", "code"):
        path = directory / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{name}.txt", name)
        archives.append(packaging.archive_of(path))
    return packaging.Bundle(dependencies=archives[0], code=archives[1])


def built_spa(directory: Path) -> Path:
    for name, content in SPA_FILES.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(content)
    return directory


@pytest.fixture(scope="session")
def mocked_bundle(tmp_path_factory: pytest.TempPathFactory) -> packaging.Bundle:
    return fake_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="session")
def program(tmp_path_factory: pytest.TempPathFactory, mocked_bundle: packaging.Bundle) -> Program:
    dist = built_spa(tmp_path_factory.mktemp("dist"))
    return run_program({**STACK_CONFIG, "webDist": str(dist)}, SECRET_KEYS, mocked_bundle)


@pytest.fixture(scope="session")
def bundle() -> Iterator[packaging.Bundle]:
    """The real bundle, built (or reused, when its inputs are unchanged) in build/lambda like `pulumi up` does."""
    started = time.monotonic()
    try:
        built = packaging.build_bundle()
    except packaging.PackagingError as error:
        if not _package_index_reachable():
            pytest.skip(f"the package index is unreachable, the Lambda bundle cannot be built: {error}")
        raise
    elapsed = time.monotonic() - started
    for label, archive in (("layer", built.dependencies), ("code", built.code)):
        _bundle_report.append(
            f"Lambda {label}: {archive.size / 1e6:.1f} MB zipped, {archive.unpacked_size / 1e6:.1f} MB unpacked"
        )
    _bundle_report.append(f"bundle built (or reused) in {elapsed:.1f} s into {packaging.BUILD_DIR}")
    yield built


def _package_index_reachable() -> bool:
    probe = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d"]
    with_target = [*probe, str(packaging.BUILD_DIR / "probe"), "six==1.17.0"]
    return subprocess.run(with_target, capture_output=True, check=False).returncode == 0  # noqa: S603


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Importing pulumi_aws warns about every deprecated class of the provider, none of which the program uses.
    deprecations = pytest.mark.filterwarnings("ignore:.*deprecated in favor of.*:DeprecationWarning")
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(deprecations)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _bundle_report:
        terminalreporter.write_line(line)
