"""DynamoDB request units from the items a request really read or wrote, by AWS's published sizing rules.

Sizes follow "Item sizes and formats" (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
CapacityUnitCalculations.html): an attribute costs its name's UTF-8 bytes plus its value; a number about one byte
per two significant digits plus one; a list or map 3 bytes plus one byte per element; booleans and nulls one byte.
Units follow the on-demand pricing page: a write request unit per started 1 KB written (the larger of the item's
before and after images), a read request unit per started 4 KB read strongly consistent (half eventually
consistent), twice that inside a transaction.

Approximations, stated once: an index entry is the whole item (every index here projects ALL) plus 100 bytes, the
overhead AWS documents for index entries; index writes are not doubled inside transactions; a write whose
condition fails costs what it would have written.
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


def index_write_units(before: WireItem | None, after: WireItem | None, key_attributes: Sequence[str]) -> int:
    """What one table write costs one global secondary index (ProjectionType ALL).

    Entering or leaving the index is one entry written; a changed index key is two (delete the old entry, put the
    new one); any other change of an indexed item rewrites its entry; an unchanged item writes nothing.
    """
    old_key, new_key = key_of(before, key_attributes), key_of(after, key_attributes)
    if old_key is None and new_key is None:
        return 0
    old_entry = write_units(item_size(before) + INDEX_ENTRY_OVERHEAD_BYTES)
    new_entry = write_units(item_size(after) + INDEX_ENTRY_OVERHEAD_BYTES)
    if old_key is None:
        return new_entry
    if new_key is None:
        return old_entry
    if old_key != new_key:
        return old_entry + new_entry
    return 0 if before == after else new_entry


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
    index_keys: Sequence[Sequence[str]],
    *,
    transactional: bool = False,
) -> WriteUnits:
    """One item written (put, update or delete; `after` None for a delete): table units plus index units."""
    factor = TRANSACTION_FACTOR if transactional else 1
    table = write_units(max(item_size(before), item_size(after))) * factor
    return WriteUnits(table, sum(index_write_units(before, after, keys) for keys in index_keys))
