"""DynamoDB's partition limit on moto, scaled down: a hot partition's transactions cancelled for throttling.

On AWS one partition takes about 1,000 write units a second (developer guide, "Partitions and data distribution";
"Burst and adaptive capacity"); a transaction on an item whose partition is past it is cancelled with
TransactionCanceledException, reason ThrottlingError at that item and "None" at the others, in request order, and
writes nothing (TransactWriteItems API reference). moto has no partitions and never refuses, so the product's
answer to a hot item (retries, then the automatic split, then STOCK_BUSY: commerce/hot_stock.py) was reached locally
only by tests injecting cancellations. With a limit set, the local cloud refuses what DynamoDB refuses, at a rate a
laptop reaches.

The rule, kept simple on purpose:
- a partition is a table and a partition key value (a stock item's product id; a shard item's `<product>#g…s…` is
  another one);
- only TransactWriteItems is counted and refused. Each Put, Update, Delete or ConditionCheck costs 2 write units
  per KB, rounded up, of the larger of the item stored and the item a Put writes (transactional writes cost twice a
  standard one: developer guide, "Capacity management for transactions"; an Update's new size is not computed);
- units are counted per partition in whole seconds of the clock, with no burst credit (DynamoDB keeps up to 300 s
  of unused capacity for bursts: this is stricter);
- when a transaction's units on a partition would take it past the limit in the current second, the transaction is
  cancelled, ThrottlingError at every action on that partition, and consumes nothing; an admitted transaction
  consumes its units even if a condition then cancels it, as DynamoDB charges a failed conditional write.

Off (limit 0) unless a test or the proof turns it on (`LocalCloud.partitions_throttled`), for every table or for
some: the local cloud serves one order's writes about as fast as AWS does but a crowd's some fifty times slower, so a
limit scaled down to a crowd's rate on one stock item would also throttle one order's own partitions (~10 units in
their busiest second, locally), which on AWS take about 1% of theirs. Calls arrive under the local cloud's DynamoDB
lock (infra.local.aws.serialise_dynamodb), one at a time.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.utilities import bytesize

from commerce.clock import Clock, epoch_seconds, system_clock
from infra.local.moto_transactions import touched_items

Transact = Callable[[DynamoDBBackend, list[dict[str, Any]]], None]
Partition = tuple[str, str]  # (table name, partition key value as JSON)

KB = 1024
TRANSACTIONAL_UNITS_PER_KB = 2
THROTTLED = "ThrottlingError"


class PartitionThrottle:
    """Write units per partition in the clock's current second, and the transactions refused for them."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self.clock = clock
        self.limit = 0  # write units a second per partition; 0: off
        self.tables: frozenset[str] = frozenset()  # the tables whose partitions are limited; none named: all
        self.refused = 0  # transactions cancelled for throttling since the limit was set
        self.refused_at: Counter[str] = Counter()  # partition key value (JSON) → transactions refused for it
        self.peaks: dict[str, int] = {}  # table → the most units one of its partitions took in one second
        self._second = 0
        self._used: Counter[Partition] = Counter()
        self._lock = threading.Lock()

    def set(self, limit: int, clock: Clock = system_clock, tables: Collection[str] = ()) -> None:
        with self._lock:
            self.limit, self.clock, self.tables = limit, clock, frozenset(tables)
            self.refused = 0
            self.refused_at = Counter()
            self.peaks = {}
            self._used.clear()

    def admit(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        """Count the transaction's units, or raise DynamoDB's cancellation when a partition has no room for them."""
        if not self.limit:
            return
        partitions = _partitions(backend, transact_items)
        if partitions is None:  # a malformed request: moto's own path says why
            return
        if self.tables:
            partitions = [(p, units if p[0] in self.tables else 0) for p, units in partitions]
        with self._lock:
            second = epoch_seconds(self.clock)
            if second != self._second:
                self._second, self._used = second, Counter()
            wanted: Counter[Partition] = Counter()
            for partition, units in partitions:
                wanted[partition] += units
            over = {p for p, units in wanted.items() if units and self._used[p] + units > self.limit}
            if over:
                self.refused += 1
                self.refused_at.update(key for _, key in over)
                message = f"Throughput exceeds the partition's {self.limit} write units a second (the local limit)"
                raise TransactionCanceledException(
                    [(THROTTLED, message, None) if p in over else (None, None, None) for p, _ in partitions]
                )
            self._used.update(wanted)
            for partition in +wanted:  # the partitions limited
                table = partition[0]
                self.peaks[table] = max(self.peaks.get(table, 0), self._used[partition])

    @property
    def peak(self) -> int:
        """The most units one partition took in one second since the limit was set."""
        return max(self.peaks.values(), default=0)


_THROTTLE = PartitionThrottle()
_INNER: dict[str, Transact] = {}


def throttle_partitions() -> PartitionThrottle:
    """Installed once per process, around whatever TransactWriteItems is installed (moto_transactions'); the
    throttle, off until its limit is set."""
    if not _INNER:
        _INNER["transact"] = DynamoDBBackend.transact_write_items
        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    return _THROTTLE


@contextmanager
def partitions_throttled(
    write_units_per_second: int, clock: Clock = system_clock, tables: Collection[str] = ()
) -> Iterator[PartitionThrottle]:
    """Every partition (of `tables`, physical names, when given) limited to `write_units_per_second` meanwhile; off
    again after, whatever happened."""
    throttle = throttle_partitions()
    throttle.set(write_units_per_second, clock, tables)
    try:
        yield throttle
    finally:
        throttle.set(0)


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    _THROTTLE.admit(self, transact_items)
    return _INNER["transact"](self, transact_items)


def _partitions(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[Partition, int]] | None:
    """Each action's partition and write units, in request order."""
    actions = touched_items(backend, transact_items)
    if actions is None:
        return None
    counted: list[tuple[Partition, int]] = []
    for action in actions:
        size = max(action.stored.size() if action.stored is not None else 0, _size(action.request.get("Item", {})))
        units = TRANSACTIONAL_UNITS_PER_KB * max(1, math.ceil(size / KB))
        partition = (action.table.name, json.dumps(action.keys[action.table.hash_key_attr], sort_keys=True))
        counted.append((partition, units))
    return counted


def _size(item: dict[str, Any]) -> int:
    return sum(bytesize(name) + DynamoType(value).size() for name, value in item.items())
