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
class StockLevel:
    """Stock of one product in one warehouse.

    `available` is kept as its own attribute (not derived from a total) because DynamoDB condition
    expressions allow no arithmetic: `available >= :quantity` is the only safe reservation guard.
    The invariant `available + reserved + shipped` changes only through stock adjustments.
    """

    product_id: str
    warehouse_id: str
    available: int
    reserved: int = 0
    shipped: int = 0
    version: int = 0

    @property
    def on_hand(self) -> int:
        return self.available + self.reserved

    def is_low(self, threshold: int) -> bool:
        return self.available <= threshold


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
