from __future__ import annotations

import math
from dataclasses import dataclass

from commerce.money import Money

# A product's stock per warehouse counts as low at or below this many units unless the product says otherwise.
DEFAULT_LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    sku: str
    name: str
    description: str
    category: str
    price: Money
    image_url: str
    active: bool = True
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD
    version: int = 0  # bumped by every admin edit: the condition of the next one


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float

    def distance_km(self, other: Location) -> float:
        """Great-circle (haversine) distance."""
        earth_radius_km = 6371.0
        lat1, lon1, lat2, lon2 = map(math.radians, (self.latitude, self.longitude, other.latitude, other.longitude))
        half_chord = (
            math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * earth_radius_km * math.asin(math.sqrt(half_chord))


@dataclass(frozen=True, slots=True)
class Warehouse:
    id: str
    name: str
    location: Location
    region: str


@dataclass(frozen=True, slots=True)
class StockItem:
    """One stored item of a level split for a hot sale: the base item (shard "") or a shard (commerce/stock_shards)."""

    shard: str
    available: int
    reserved: int = 0
    shipped: int = 0
    version: int = 0


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Stock of one product in one warehouse.

    `available` is kept as its own attribute (not derived from a total) because DynamoDB condition
    expressions allow no arithmetic: `available >= :quantity` is the only safe reservation guard.
    The invariant `available + reserved + shipped` changes only through stock adjustments.

    A level split over shards (commerce/stock_shards.py) is read as the sums over its items: `items` lists them
    (the base item first), `shards` counts the shard items and `version` is the base item's.
    """

    product_id: str
    warehouse_id: str
    available: int
    reserved: int = 0
    shipped: int = 0
    version: int = 0
    shards: int = 0  # shard items the stock is split over; 0: the one item holds it all
    split: int = 0  # how many times it was ever split: names the current shards' items
    items: tuple[StockItem, ...] = ()  # when split: the base item, then the shards, whose units the counts sum

    @property
    def on_hand(self) -> int:
        return self.available + self.reserved

    def is_low(self, threshold: int) -> bool:
        return self.available <= threshold

    @property
    def items_in_stock(self) -> int:
        """Stored items with units available: how many a hold may have to take from, at most."""
        if not self.shards:
            return 1 if self.available > 0 else 0
        return sum(1 for item in self.items if item.available > 0)


@dataclass(frozen=True, slots=True)
class Availability:
    """Units of a product that can be ordered now, summed over warehouses."""

    product_id: str
    available: int
    low_stock_threshold: int

    @property
    def state(self) -> str:
        if self.available <= 0:
            return "OUT_OF_STOCK"
        if self.available <= self.low_stock_threshold:
            return "LOW_STOCK"
        return "IN_STOCK"
