"""TransactWriteItems on moto without copying whole tables.

moto backs up every table a transaction names with `copy.deepcopy` before applying it, so each transaction costs
time in proportion to the rows already stored: measured by `make bench` as the largest part of moto's CPU per order,
and a local system that slows down as orders accumulate. A transaction writes at most 100 items (a DynamoDB limit),
so this backs up just those items and puts them back when the transaction is cancelled, as moto's own rollback does
for the whole table. The local cloud's lock (`infra.local.aws.serialise_dynamodb`) keeps anyone from seeing the
half-applied state in between, as it did before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

# (table name, hash key, range key) → the item before the transaction, None where there was none.
Backup = dict[tuple[str, DynamoType, DynamoType | None], Item | None]

_ORIGINAL: Callable[[DynamoDBBackend, list[dict[str, Any]]], None] = DynamoDBBackend.transact_write_items


def copy_only_touched_items() -> None:
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    backup = _back_up(self, transact_items)
    if backup is None:  # a request moto will refuse before writing anything: let it say why
        return _ORIGINAL(self, transact_items)
    try:
        with _tables_kept_by_reference():
            return _ORIGINAL(self, transact_items)
    except Exception:
        _restore(self, backup)
        raise


def _back_up(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Backup | None:
    backup: Backup = {}
    try:
        for operation in transact_items:
            _, request = next(iter(operation.items()))
            table = backend.get_table(request["TableName"])
            keys = request["Key"] if "Key" in request else request["Item"]
            hash_key, range_key = backend.get_keys_value(table, keys)
            current = table.get_item(hash_key, range_key)
            backup[(table.name, hash_key, range_key)] = copy.deepcopy(current)
    except Exception:  # any malformed request: moto's own path reports it
        return None
    return backup


def _restore(backend: DynamoDBBackend, backup: Backup) -> None:
    for (table_name, hash_key, range_key), before in backup.items():
        table: Table = backend.get_table(table_name)
        if table.get_item(hash_key, range_key) is not None:
            table.delete_item(hash_key, range_key)
        if before is None:
            continue
        if range_key is not None:
            table.items[hash_key][range_key] = before
        else:
            table.items[hash_key] = before  # type: ignore[assignment]


class _KeepTables:
    """`copy` as moto's backend module sees it during a transaction: tables by reference, the rest deep-copied."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


@contextmanager
def _tables_kept_by_reference() -> Iterator[None]:
    module: Any = dynamodb_models
    module.copy = SimpleNamespace(deepcopy=_KeepTables.deepcopy)
    try:
        yield
    finally:
        module.copy = copy
