"""Every DynamoDB request the local cloud serves, with the request units it would cost on AWS.

It wraps moto's DynamoDB request handler inside the local cloud's own DynamoDB lock (infra/local/aws.py, re-entrant),
so the stored images of the items a write touches are read just before and just after the write with no other
request in between: the units are computed from what was really written, not from the request's text. The same
wrapper times how long requests wait for that lock and hold it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.responses import DynamoHandler

from bench.dynamodb_requests import WRITE_ACTIONS, WriteTarget, decoded_answer, reads_of, write_targets
from bench.dynamodb_units import IndexLayout, WireItem, item_size, item_write_units
from infra.local.aws import _DYNAMODB_LOCK

# Requests whose User-Agent carries this are the bench's own bookkeeping (waiting for orders), not the system's.
UNMETERED = "bench-unmetered"


@dataclass
class TableUsage:
    requests: int = 0
    read_units: float = 0.0
    write_units: int = 0  # the table's own items, transactions doubled
    index_write_units: int = 0
    items_written: int = 0
    bytes_written: int = 0  # after images, for the average item size

    @property
    def mean_item_bytes(self) -> float:
        return self.bytes_written / self.items_written if self.items_written else 0.0


@dataclass
class DynamoDBUsage:
    tables: dict[str, TableUsage] = field(default_factory=dict)
    actions: Counter[str] = field(default_factory=Counter)
    lock_wait_s: float = 0.0
    lock_hold_s: float = 0.0

    @property
    def read_units(self) -> float:
        return sum(table.read_units for table in self.tables.values())

    @property
    def write_units(self) -> int:
        return sum(table.write_units + table.index_write_units for table in self.tables.values())

    def table(self, name: str) -> TableUsage:
        return self.tables.setdefault(name, TableUsage())


class DynamoDBMeter:
    def __init__(self, table_names: Callable[[str], str] = lambda name: name) -> None:
        self._display_name = table_names
        # Where the meter's own work is charged (bench/cpu_budget.py), so it does not pass for moto's.
        self.overhead: Callable[[], AbstractContextManager[None]] = nullcontext
        self._lock = threading.Lock()
        self._usage = DynamoDBUsage()
        self._original: Callable[[DynamoHandler], Any] | None = None
        self.active = False

    def install(self) -> None:
        """After the local cloud started: it installs its own serialising wrapper, which this one calls."""
        original = DynamoHandler.call_action
        meter = self

        def metered_call_action(handler: DynamoHandler) -> Any:
            return meter._call(handler, original)

        self._original = original
        DynamoHandler.call_action = metered_call_action  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            DynamoHandler.call_action = self._original  # type: ignore[method-assign]
            self._original = None

    def take(self) -> DynamoDBUsage:
        """What was counted since the last take, and start counting afresh."""
        with self._lock:
            usage, self._usage = self._usage, DynamoDBUsage()
        return usage

    def _call(self, handler: DynamoHandler, original: Callable[[DynamoHandler], Any]) -> Any:
        if not self.active or UNMETERED in str(handler.headers.get("User-Agent", "")):
            return original(handler)
        waited = time.perf_counter()
        with _DYNAMODB_LOCK:
            acquired = time.perf_counter()
            action = handler._get_action()
            body: dict[str, Any] = dict(getattr(handler, "params", {}) or {})
            with self.overhead():
                targets = list(write_targets(action, body)) if action in WRITE_ACTIONS else []
                before = [_stored(handler, target) for target in targets]
            response = original(handler)
            with self.overhead():
                after = [target.after_from_request or _stored(handler, target) for target in targets]
            released = time.perf_counter()
        with self.overhead():
            self._record(
                handler,
                action=action,
                body=body,
                response=response,
                targets=targets,
                before=before,
                after=after,
                wait_s=acquired - waited,
                hold_s=released - acquired,
            )
        return response

    def _record(
        self,
        handler: DynamoHandler,
        *,
        action: str,
        body: dict[str, Any],
        response: Any,
        targets: list[WriteTarget],
        before: list[WireItem | None],
        after: list[WireItem | None],
        wait_s: float,
        hold_s: float,
    ) -> None:
        succeeded, answer = decoded_answer(response)
        reads = list(reads_of(action, body, answer)) if succeeded else []
        transactional = action == "TransactWriteItems"
        with self._lock:
            usage = self._usage
            usage.actions[action] += 1
            usage.lock_wait_s += wait_s
            usage.lock_hold_s += hold_s
            for table_name in {target.table for target in targets} | {table for table, _ in reads}:
                usage.table(self._display_name(table_name)).requests += 1
            for table_name, read in reads:
                usage.table(self._display_name(table_name)).read_units += read
            for target, old, new in zip(targets, before, after, strict=True):
                written = new if succeeded else old
                is_delete = succeeded and written is None
                units = item_write_units(
                    old,
                    None if is_delete else written,
                    _index_layouts(handler, target.table),
                    transactional=transactional,
                )
                table = usage.table(self._display_name(target.table))
                table.write_units += units.table
                table.index_write_units += units.indexes
                table.items_written += 1
                table.bytes_written += item_size(written)


def _key_attributes(handler: DynamoHandler, table_name: str) -> list[str]:
    table = handler.dynamodb_backend.get_table(table_name)
    return [name for name in (table.hash_key_attr, table.range_key_attr) if name]


def _index_layouts(handler: DynamoHandler, table_name: str) -> list[IndexLayout]:
    """The table's global indexes as moto keeps them, with the projection each was created with."""
    table = handler.dynamodb_backend.get_table(table_name)
    table_keys = _key_attributes(handler, table_name)
    layouts = []
    for index in table.global_indexes:
        projection = index.projection or {}
        kind = projection.get("ProjectionType", "ALL")
        included = projection.get("NonKeyAttributes", []) if kind == "INCLUDE" else []
        projected = None if kind == "ALL" else frozenset([*table_keys, *index.schema_key_attrs, *included])
        layouts.append(IndexLayout(tuple(index.schema_key_attrs), projected))
    return layouts


def _stored(handler: DynamoHandler, target: WriteTarget) -> WireItem | None:
    """The item as moto stores it right now, in DynamoDB's JSON form."""
    table = handler.dynamodb_backend.get_table(target.table)
    names = _key_attributes(handler, target.table)
    if any(name not in target.key for name in names):
        return None
    hash_key = DynamoType(dict(target.key[names[0]]))
    range_key = DynamoType(dict(target.key[names[1]])) if len(names) > 1 else None
    item = table.get_item(hash_key, range_key)
    if item is None:
        return None
    attributes: WireItem = item.to_json()["Attributes"]
    return attributes
