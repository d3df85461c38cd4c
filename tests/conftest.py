"""Fixtures shared by the layers that run on the local cloud (integration, proof): one cloud per test session.

One only: the local cloud lives in this process and its environment (table names, endpoints) is the process's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from commerce.bootstrap import Services
from infra.local.cloud import LocalCloud, start_local_cloud


@pytest.fixture(scope="session")
def local_cloud() -> Iterator[LocalCloud]:
    cloud = start_local_cloud(app_env="test")
    yield cloud
    cloud.stop()


@pytest.fixture(scope="session")
def services(local_cloud: LocalCloud) -> Services:
    return local_cloud.services
