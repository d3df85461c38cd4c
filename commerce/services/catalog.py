"""Reading the catalog with live availability."""

from __future__ import annotations

from collections.abc import Iterable

from commerce.catalog import Availability, Product
from commerce.pagination import Page
from commerce.ports import InventoryRepository, ProductRepository


class CatalogService:
    def __init__(self, *, products: ProductRepository, inventory: InventoryRepository) -> None:
        self.products = products
        self.inventory = inventory

    def page(self, *, category: str | None, limit: int, cursor: str | None) -> Page[Product]:
        return self.products.page(category=category, limit=limit, cursor=cursor)

    def product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def availability(self, products: Iterable[Product]) -> list[Availability]:
        """Availability of each product, in the order given, summed over warehouses."""
        wanted = list(products)
        levels = self.inventory.levels_for_many(product.id for product in wanted)
        return [
            Availability(
                product_id=product.id,
                available=sum(level.available for level in levels.get(product.id, [])),
                low_stock_threshold=product.low_stock_threshold,
            )
            for product in wanted
        ]
