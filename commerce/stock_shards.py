"""Stock split over shard items for a hot sale, and which shards a hold takes its units from.

A product's stock in a warehouse is one DynamoDB item. A partition takes at most 1,000 write units a second and a
transactional write of a small item costs two, so one item tops out near 250 holds a second however far Lambda
scales. DynamoDB places an item by hashing its *partition key* ("Partitions and data distribution", DynamoDB
developer guide: docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.Partitions.html), and the
inventory table's partition key is the product (infra/deployment.py: product_id, then warehouse_id). Shard items
under the same product id would share its partition and gain nothing, so each shard has a partition key of its own,
`<product id>#g<split>s<nn>`, with the warehouse as sort key: k shards spread over up to k partitions ("Designing
partition keys to distribute your workload", "Using write sharding": .../bp-partition-key-sharding.html).

The base item (product id, warehouse id) stays: it lists the split (`shards`, `split`), keeps the units reserved or
shipped before it, and takes back units released from shards merged since. A split moves the base item's available
units onto the shards; a merge folds every shard's units back and deletes it. A shard's key names the split
(`g<split>`), so a shard of an earlier split never comes back: a reservation whose shard has been merged away finds
the item missing and settles on the base item, which holds the shard's units since the merge.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from commerce.allocation import AllocationLine
from commerce.catalog import StockItem, StockLevel
from commerce.errors import DomainError

MIN_SHARDS = 2
MAX_SHARDS = 32
# For a product expected to sell past ~250 orders a second in one warehouse: a hold writes one shard (2 write units
# for a transactional write of an item under 1 KB), so 12 partitions of 1,000 WCU/s take ~12 x 500 = 6,000 shard writes
# a second, ~3,000 orders a second counting each order's hold and its settlement; and an order's hold touches at most
# 13 items per product (the shards and the base item), far inside one transaction's 100 actions.
DEFAULT_HOT_SHARDS = 12


def shard_id(split: int, number: int) -> str:
    return f"g{split}s{number:02d}"


def shard_ids(split: int, shards: int) -> tuple[str, ...]:
    return tuple(shard_id(split, number) for number in range(shards))


def item_key(product_id: str, shard: str) -> str:
    """The partition key value of the item holding a product's units: the product id itself for the base item."""
    return f"{product_id}#{shard}" if shard else product_id


def split_units(available: int, shards: int) -> list[int]:
    """`available` spread as evenly as it goes over `shards`, the first ones taking the remainder."""
    each, rest = divmod(available, shards)
    return [each + (1 if number < rest else 0) for number in range(shards)]


def summed(base: StockLevel, shards: Sequence[StockItem]) -> StockLevel:
    """The level as readers see it: the base item and its shards added up."""
    if not base.shards:
        return base
    own = StockItem("", base.available, base.reserved, base.shipped, base.version)
    every = (own, *shards)
    return StockLevel(
        base.product_id,
        base.warehouse_id,
        available=sum(item.available for item in every),
        reserved=sum(item.reserved for item in every),
        shipped=sum(item.shipped for item in every),
        version=base.version,
        shards=base.shards,
        split=base.split,
        items=every,
    )


def spread(
    lines: Sequence[AllocationLine],
    stock: Mapping[str, Sequence[StockLevel]],
    choose: random.Random,
    *,
    fewest: bool = False,
) -> tuple[AllocationLine, ...]:
    """Each line of a split level taken from its items with stock, in an order `choose` shuffles.

    Random, so concurrent holds start on different partitions; a line takes what its first item has and falls
    back to the next, so 2 units come from two shards of 1. Lines of unsplit levels are kept as they are; a line
    its items no longer cover is kept whole on its first choice, for the conditional write to refuse (and the
    caller to re-read). `fewest`: the fullest items first instead, for a hold that would not fit one transaction.
    """
    levels = {(level.product_id, level.warehouse_id): level for found in stock.values() for level in found}
    taken: list[AllocationLine] = []
    for line in lines:
        level = levels.get((line.product_id, line.warehouse_id))
        if level is None or not level.shards:
            taken.append(line)
            continue
        candidates = [item for item in level.items if item.available > 0]
        choose.shuffle(candidates)
        if fewest:
            candidates.sort(key=lambda item: -item.available)
        chosen: list[AllocationLine] = []
        missing = line.quantity
        for item in candidates:
            if not missing:
                break
            units = min(missing, item.available)
            chosen.append(AllocationLine(line.product_id, line.warehouse_id, units, item.shard))
            missing -= units
        if missing:
            first = candidates[0].shard if candidates else ""
            chosen = [AllocationLine(line.product_id, line.warehouse_id, line.quantity, first)]
        taken += chosen
    return tuple(taken)


def hold_actions_bound(lines: Sequence[tuple[str, int]], stock: Mapping[str, Sequence[StockLevel]]) -> int:
    """At most how many actions the transaction holding `lines` needs, whichever warehouses and shards it takes
    from: one per stored item (no more than the line's units, nor than the items with stock), plus the record."""
    return 1 + sum(
        min(quantity, sum(level.items_in_stock for level in stock.get(product_id, ())))
        for product_id, quantity in lines
    )


def allocation_actions(lines: Sequence[AllocationLine], stock: Mapping[str, Sequence[StockLevel]]) -> int:
    """At most how many actions the transaction holding this allocation needs once spread over shards: a line takes
    from no more of its level's items than it has units, nor than the items with stock (`spread`), plus the record."""
    levels = {(level.product_id, level.warehouse_id): level for found in stock.values() for level in found}
    return 1 + sum(
        min(line.quantity, max(1, level.items_in_stock))
        if (level := levels.get((line.product_id, line.warehouse_id)))
        else 1
        for line in lines
    )


class ShardCountError(DomainError):
    def __init__(self, shards: int) -> None:
        super().__init__(f"stock can be split over {MIN_SHARDS} to {MAX_SHARDS} shards, not {shards}")
        self.shards = shards


class StockSplitError(DomainError):
    """The level is split already, over another number of shards: merge it first."""

    def __init__(self, product_id: str, warehouse_id: str, shards: int) -> None:
        super().__init__(f"stock of {product_id} in {warehouse_id} is split over {shards} shards: merge it first")
        self.product_id = product_id
        self.warehouse_id = warehouse_id
        self.shards = shards


class StockNotStockedError(DomainError):
    """There is no stock item to split: the product was never stocked in the warehouse."""

    def __init__(self, product_id: str, warehouse_id: str) -> None:
        super().__init__(f"{product_id} was never stocked in {warehouse_id}: stock it before splitting")
        self.product_id = product_id
        self.warehouse_id = warehouse_id
