"""DynamoDB request units from the items a request really read or wrote, by AWS's published sizing rules.

Sizes follow "Item sizes and formats" (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
CapacityUnitCalculations.html): an attribute costs its name's UTF-8 bytes plus its value; a number about one byte
per two significant digits plus one; a list or map 3 bytes plus one byte per element; booleans and nulls one byte.
Units follow the on-demand pricing page: a write request unit per started 1 KB written (the larger of the item's
before and after images), a read request unit per started 4 KB read strongly consistent (half eventually
consistent), twice that inside a transaction.

An index entry is the item's projection (the whole item for ALL; the table's and the index's keys for KEYS_ONLY)
plus 100 bytes, the overhead AWS documents for index entries. Approximations, stated once: index writes are not
doubled inside transactions; a write whose condition fails costs what it would have written.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WireItem = Mapping[str, Mapping[str, Any]]  # {"name": {"S": "..."}}, as DynamoDB's JSON protocol carries it

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
INDEX_ENTRY_OVERHEAD_BYTES = 100
TRANSACTION_FACTOR = 2


def item_size(item: WireItem | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: Mapping[str, Any]) -> int:
    (kind, content), *_ = value.items()
    sizer = _SIZERS.get(kind)
    if sizer is None:
        raise ValueError(f"not a DynamoDB attribute value: {value!r}")
    return sizer(content)


def number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    significant = len(digits) if any(digits) else 1
    return math.ceil(significant / 2) + 1


def _binary(content: Any) -> bytes:
    return content if isinstance(content, bytes) else base64.b64decode(content)


# Bytes of each kind of value; a list or a map costs 3 bytes plus one per element besides its elements.
_SIZERS: dict[str, Callable[[Any], int]] = {
    "S": lambda text: len(str(text).encode()),
    "N": lambda number: number_size(str(number)),
    "B": lambda data: len(_binary(data)),
    "BOOL": lambda _: 1,
    "NULL": lambda _: 1,
    "SS": lambda texts: sum(len(str(text).encode()) for text in texts),
    "NS": lambda numbers: sum(number_size(str(number)) for number in numbers),
    "BS": lambda datas: sum(len(_binary(data)) for data in datas),
    "L": lambda elements: 3 + sum(value_size(element) + 1 for element in elements),
    "M": lambda elements: 3 + sum(len(name.encode()) + value_size(element) + 1 for name, element in elements.items()),
}


def write_units(size_bytes: int) -> int:
    """Every write costs at least one unit, even of a missing item."""
    return max(1, math.ceil(size_bytes / WRITE_UNIT_BYTES))


def read_units(size_bytes: int, *, consistent: bool) -> float:
    """Every read costs at least one unit (half eventually consistent), even when it finds nothing."""
    units = max(1, math.ceil(size_bytes / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def key_of(item: WireItem | None, attributes: Sequence[str]) -> tuple[str, ...] | None:
    """The item's values for these key attributes, or None when one is missing (the item is not in the index)."""
    if not item or any(name not in item for name in attributes):
        return None
    return tuple(repr(sorted(item[name].items())) for name in attributes)


@dataclass(frozen=True)
class IndexLayout:
    """A global secondary index as far as its write cost goes: its key, and which attributes an entry holds."""

    key_attributes: tuple[str, ...]
    projected: frozenset[str] | None = None  # None: ALL; else the table's keys, the index's keys and any INCLUDEd

    def entry(self, item: WireItem | None) -> WireItem | None:
        """The item's entry in the index, or None when it lacks a key attribute (it is not in the index)."""
        if not item or key_of(item, self.key_attributes) is None:
            return None
        if self.projected is None:
            return item
        return {name: value for name, value in item.items() if name in self.projected}


def index_write_units(before: WireItem | None, after: WireItem | None, index: IndexLayout) -> int:
    """What one table write costs one global secondary index.

    Entering or leaving the index is one entry written; a changed index key is two (delete the old entry, put the
    new one); with the key unchanged, the entry is rewritten only when a projected attribute changed, so a
    keys-only index costs nothing then (docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
    #GSI.ThroughputConsiderations.Writes).
    """
    old_entry, new_entry = index.entry(before), index.entry(after)
    if old_entry is None and new_entry is None:
        return 0
    old_units = write_units(item_size(old_entry) + INDEX_ENTRY_OVERHEAD_BYTES)
    new_units = write_units(item_size(new_entry) + INDEX_ENTRY_OVERHEAD_BYTES)
    if old_entry is None:
        return new_units
    if new_entry is None:
        return old_units
    if key_of(before, index.key_attributes) != key_of(after, index.key_attributes):
        return old_units + new_units
    return 0 if old_entry == new_entry else new_units


@dataclass(frozen=True)
class WriteUnits:
    table: int
    indexes: int

    @property
    def total(self) -> int:
        return self.table + self.indexes


def item_write_units(
    before: WireItem | None,
    after: WireItem | None,
    indexes: Sequence[IndexLayout],
    *,
    transactional: bool = False,
) -> WriteUnits:
    """One item written (put, update or delete; `after` None for a delete): table units plus index units."""
    factor = TRANSACTION_FACTOR if transactional else 1
    table = write_units(max(item_size(before), item_size(after))) * factor
    return WriteUnits(table, sum(index_write_units(before, after, index) for index in indexes))
