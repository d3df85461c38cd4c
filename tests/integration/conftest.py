"""Integration tests run on the local cloud; its session fixtures live in tests/conftest.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping

import pytest

from commerce.catalog import StockLevel
from infra.local.cloud import LocalCloud
from tests.integration.admin import Admin
from tests.integration.shop import Shop
from tests.unit.builders import a_product

StockedProduct = Callable[[str, Mapping[str, int]], str]


@pytest.fixture
def stocked_product(local_cloud: LocalCloud) -> StockedProduct:
    """Makes a product of the test's own (tests never share stock) with units per warehouse; returns its id."""

    def make(category: str, units: Mapping[str, int]) -> str:
        product = a_product(f"p-{category}-{secrets.token_hex(4)}", price=2500, category=category)
        repositories = local_cloud.repositories
        repositories.products.add(product)
        for warehouse, available in units.items():
            repositories.inventory.put(StockLevel(product.id, warehouse, available=available))
        return product.id

    return make


@pytest.fixture(scope="module")
def admin(local_cloud: LocalCloud) -> Admin:
    """The seeded admin, logged in (once per module: a token lives 15 minutes)."""
    return Admin(Shop(local_cloud))
