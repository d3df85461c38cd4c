"""The seed catalog of the local system: three warehouses, three categories, a dozen products with stock."""

from __future__ import annotations

from commerce.bootstrap import Repositories
from commerce.catalog import Location, Product, StockLevel, Warehouse
from commerce.money import Money

WAREHOUSES = (
    Warehouse("wh-east", "Newark fulfillment center", Location(40.7357, -74.1724), "us-east"),
    Warehouse("wh-central", "Dallas fulfillment center", Location(32.7767, -96.7970), "us-central"),
    Warehouse("wh-west", "Reno fulfillment center", Location(39.5296, -119.8138), "us-west"),
)

# (id, sku, name, category, price in cents, stock in east/central/west, description)
_PRODUCTS = (
    ("p-trail-runner", "SHOE-TR-01", "Trail runner shoes", "apparel", 12900, (8, 4, 10), "Grippy, light, waterproof."),
    ("p-rain-shell", "JKT-RS-02", "Rain shell jacket", "apparel", 15900, (5, 0, 6), "Packable 2.5-layer shell."),
    ("p-merino-tee", "TEE-MR-03", "Merino wool tee", "apparel", 5400, (30, 25, 20), "Soft, odour-resistant."),
    ("p-wool-socks", "SCK-WL-04", "Hiking socks (3 pairs)", "apparel", 2400, (60, 40, 50), "Cushioned merino blend."),
    ("p-sun-hat", "HAT-SN-05", "Wide-brim sun hat", "apparel", 3200, (0, 3, 0), "UPF 50, packable."),
    ("p-tent-2p", "TNT-2P-06", "Two-person tent", "outdoors", 34900, (2, 3, 1), "Freestanding, 1.8 kg."),
    ("p-sleeping-bag", "BAG-SL-07", "Down sleeping bag", "outdoors", 27900, (4, 0, 5), "Comfort to -5 °C."),
    ("p-headlamp", "LMP-HD-08", "Rechargeable headlamp", "outdoors", 4900, (25, 30, 15), "400 lumens, USB-C."),
    ("p-water-filter", "FLT-WT-09", "Squeeze water filter", "outdoors", 3900, (12, 10, 0), "0.1 micron hollow fibre."),
    ("p-stove", "STV-CP-10", "Canister camp stove", "outdoors", 6900, (0, 0, 0), "Boils a litre in 3.5 min."),
    ("p-mug", "MUG-EN-11", "Enamel camp mug", "home", 1800, (40, 35, 30), "Chip-resistant enamel steel."),
    ("p-blanket", "BLK-WL-12", "Wool throw blanket", "home", 8900, (6, 8, 2), "Woven in Portugal."),
    ("p-lantern", "LNT-LD-13", "LED table lantern", "home", 4400, (10, 0, 7), "Dimmable, 60 h battery."),
    ("p-cutting-board", "BRD-OK-14", "Oak cutting board", "home", 5900, (3, 2, 4), "End-grain, oiled."),
)


def seed_products() -> list[tuple[Product, tuple[int, int, int]]]:
    return [
        (
            Product(
                id=product_id,
                sku=sku,
                name=name,
                description=description,
                category=category,
                price=Money(price, "USD"),
                image_url=f"/images/products/{product_id}.svg",
            ),
            stock,
        )
        for product_id, sku, name, category, price, stock, description in _PRODUCTS
    ]


def seed(repositories: Repositories) -> None:
    for warehouse in WAREHOUSES:
        repositories.warehouses.add(warehouse)
    for product, stock in seed_products():
        repositories.products.add(product)
        for warehouse, available in zip(WAREHOUSES, stock, strict=True):
            level = StockLevel(product.id, warehouse.id, available=available)
            repositories.inventory.put(level, product.low_stock_threshold)
