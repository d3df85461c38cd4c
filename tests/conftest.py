"""Fixtures shared by the layers that run on the local cloud (integration, proof): one cloud per test session.

One only: the local cloud lives in this process and its environment (table names, endpoints) is the process's.

The cloud enforces each role's IAM policy (infra/local/iam_enforcement.py). A refusal during a test fails that test
unless it is marked `iam_refusals_expected`: a refused call in a bus consumer or a saga step would otherwise only
show as a retried invocation, which is how the `notifications` function's missing grant stayed unseen. Every allowed
(role, action, resource) is recorded for `tests/integration/test_iam_grants_used.py`; with `IAM_USAGE_LOG` set, the
session also appends them to that file, so several runs of parts of the suite can be judged together.

On AWS each function has its own containers, each with its own cache of secrets. Locally every function runs in this
process on one cache, and only the first reader would call Secrets Manager: so the session's cloud keeps no secret
(`SECRETS_MAX_AGE_SECONDS=0`), and every read reaches Secrets Manager as the function that makes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from commerce.bootstrap import Repositories
from commerce.secrets import MAX_AGE_VARIABLE
from infra.local.cloud import LocalCloud, start_local_cloud


@pytest.fixture(scope="session")
def local_cloud() -> Iterator[LocalCloud]:
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv(MAX_AGE_VARIABLE, "0")
        cloud = start_local_cloud(app_env="test")
        yield cloud
        cloud.stop()
    log = os.environ.get("IAM_USAGE_LOG")
    if log and cloud.iam is not None:
        with Path(log).open("a") as file:
            for use in sorted(cloud.iam.uses):
                file.write(json.dumps([use.principal, use.action, use.resource]) + "\n")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "iam_refusals_expected: the test provokes IAM refusals on purpose")
    config.addinivalue_line("markers", "after_every_local_cloud_test: runs last, on what the other tests recorded")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `after_every_local_cloud_test` run last; note which local-cloud modules this session left out."""
    from tests.integration.test_iam_grants_used import LOCAL_CLOUD_MODULES_MISSING

    last = [item for item in items if item.get_closest_marker("after_every_local_cloud_test")]
    items[:] = [item for item in items if item not in last] + last
    tests = Path(__file__).parent
    every = {str(path) for layer in ("integration", "proof") for path in (tests / layer).glob("test_*.py")}
    collected = {str(item.path) for item in items}
    config.stash[LOCAL_CLOUD_MODULES_MISSING] = sorted(every - collected)


@pytest.fixture(autouse=True)
def no_unexpected_iam_refusals(request: pytest.FixtureRequest) -> Iterator[None]:
    if "local_cloud" not in request.fixturenames or request.node.get_closest_marker("iam_refusals_expected"):
        yield
        return
    iam = request.getfixturevalue("local_cloud").iam
    before = len(iam.refusals) if iam is not None else 0
    yield
    refused = iam.refusals[before:] if iam is not None else []
    assert not refused, "IAM refused calls during this test:\n" + "\n".join(
        f"{r.principal} {r.service}:{r.operation}: {r.reason}" for r in refused
    )


@pytest.fixture(scope="session")
def repositories(local_cloud: LocalCloud) -> Repositories:
    return local_cloud.repositories
