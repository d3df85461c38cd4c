"""Which warehouses ship which units of an order: one warehouse if one can ship it all, else the fewest.

Pure: it decides from the stock it is given, and the reservation that follows makes the decision stick (or
reports that the stock moved in the meantime).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from commerce.catalog import Location, StockLevel, Warehouse
from commerce.errors import OutOfStockError

# Up to this many candidate warehouses every subset is tried (at most 2^12 subsets of a few look-ups each),
# so "fewest warehouses" is exact; beyond it a greedy set cover, because minimum set cover is NP-hard.
EXACT_SEARCH_LIMIT = 12

_Units = dict[str, dict[str, int]]  # warehouse id -> product id -> units available
_Covers = Callable[[Iterable[str]], bool]


@dataclass(frozen=True, slots=True)
class AllocationLine:
    product_id: str
    warehouse_id: str
    quantity: int
    # The shard item the units come from when the level is split (commerce/stock_shards.py); "" the base item.
    shard: str = ""


def allocate(
    lines: Iterable[tuple[str, int]],
    stock: Mapping[str, Sequence[StockLevel]],
    warehouses: Iterable[Warehouse],
    destination: Location | None,
    skus: Mapping[str, str] | None = None,
) -> tuple[AllocationLine, ...]:
    """Allocate every (product id, quantity) line, sorted by warehouse id then product id.

    Prefers the nearest single warehouse that can ship everything; otherwise the fewest warehouses, and among
    as few, the smallest total distance. Ties, and an unknown destination, go to the most units of the order's
    products on hand, then to warehouse ids. Stock in a warehouse missing from `warehouses` still counts, as
    if that warehouse were farther than any known one. Raises OutOfStockError (naming the SKU from `skus`,
    else the product id) when all warehouses together hold too few units of a product.
    """
    demand = _demand(lines)
    if not demand:
        return ()
    units = _units(stock, demand)
    for product_id, requested in demand.items():
        total = sum(held.get(product_id, 0) for held in units.values())
        if total < requested:
            raise OutOfStockError((skus or {}).get(product_id, product_id), requested, total)
    locations = {warehouse.id: warehouse.location for warehouse in warehouses}
    distance = {w: _distance(destination, locations.get(w)) for w in units}
    on_hand = {w: sum(held.values()) for w, held in units.items()}
    candidates = sorted(units, key=lambda w: (distance[w], -on_hand[w], w))

    def covers(group: Iterable[str]) -> bool:
        members = list(group)
        return all(sum(units[w].get(p, 0) for w in members) >= q for p, q in demand.items())

    def rank(group: Sequence[str]) -> tuple[float, int, list[str]]:
        return (sum(distance[w] for w in group), -sum(on_hand[w] for w in group), sorted(group))

    chosen: Sequence[str]
    if len(candidates) <= EXACT_SEARCH_LIMIT:
        chosen = next(
            min(feasible, key=rank)
            for size in range(1, len(candidates) + 1)
            if (feasible := [group for group in combinations(candidates, size) if covers(group)])
        )
    else:
        chosen = _greedy_cover(candidates, units, demand, covers)
    return _fill(demand, units, sorted(chosen, key=candidates.index))


def _demand(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    demand: dict[str, int] = {}
    for product_id, quantity in lines:
        if quantity <= 0:
            raise ValueError(f"cannot allocate {quantity} units of {product_id}: quantities must be positive")
        demand[product_id] = demand.get(product_id, 0) + quantity
    return demand


def _units(stock: Mapping[str, Sequence[StockLevel]], demand: Mapping[str, int]) -> _Units:
    units: _Units = {}
    for product_id in demand:
        for level in stock.get(product_id, ()):
            if level.product_id == product_id and level.available > 0:
                units.setdefault(level.warehouse_id, {})[product_id] = level.available
    return units


def _distance(destination: Location | None, origin: Location | None) -> float:
    if destination is None:
        return 0.0
    return destination.distance_km(origin) if origin is not None else math.inf


def _greedy_cover(candidates: list[str], units: _Units, demand: dict[str, int], covers: _Covers) -> list[str]:
    """Add the warehouse that ships the most still-missing units (nearest first on ties), then drop redundant ones."""
    chosen: list[str] = []
    missing = dict(demand)
    while any(missing.values()):
        best = max(
            (w for w in candidates if w not in chosen),
            key=lambda w: (sum(min(q, units[w].get(p, 0)) for p, q in missing.items()), -candidates.index(w)),
        )
        chosen.append(best)
        missing = {p: q - min(q, units[best].get(p, 0)) for p, q in missing.items()}
    for warehouse in sorted(chosen, key=candidates.index, reverse=True):
        if covers(w for w in chosen if w != warehouse):
            chosen.remove(warehouse)
    return chosen


def _fill(demand: Mapping[str, int], units: _Units, nearest_first: list[str]) -> tuple[AllocationLine, ...]:
    allocated: list[AllocationLine] = []
    for product_id, requested in demand.items():
        missing = requested
        for warehouse_id in nearest_first:
            taken = min(missing, units[warehouse_id].get(product_id, 0))
            if taken:
                allocated.append(AllocationLine(product_id, warehouse_id, taken))
                missing -= taken
    return tuple(sorted(allocated, key=lambda line: (line.warehouse_id, line.product_id)))
