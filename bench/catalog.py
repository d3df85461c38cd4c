"""Products for the bench: copies of the seed catalog's (items of realistic sizes) with stock that never runs out."""

from __future__ import annotations

import dataclasses
import secrets

from commerce.bootstrap import Repositories
from commerce.catalog import StockLevel
from infra.local.seed import WAREHOUSES, seed_products


def stock_products(repositories: Repositories, count: int, units_per_warehouse: int) -> list[str]:
    """`count` new active products, each with `units_per_warehouse` units in every warehouse; their ids."""
    batch = secrets.token_hex(3)
    templates = [product for product, _ in seed_products()]
    ids = []
    for index in range(count):
        template = templates[index % len(templates)]
        product = dataclasses.replace(template, id=f"bench-{batch}-{index}", sku=f"{template.sku}-B{batch}{index}")
        repositories.products.add(product)
        for warehouse in WAREHOUSES:
            level = StockLevel(product.id, warehouse.id, available=units_per_warehouse)
            repositories.inventory.put(level, product.low_stock_threshold)
        ids.append(product.id)
    return ids
