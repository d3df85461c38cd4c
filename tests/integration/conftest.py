"""Integration tests run on the local cloud: one moto server (and later localstripe) for the whole session."""

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
