"""TransactWriteItems on moto without copying whole tables.

moto backs up every table a transaction names with `copy.deepcopy` before applying it, so each transaction costs
time in proportion to the rows already stored: measured by `make bench` as the largest part of moto's CPU per order,
and a local system that slows down as orders accumulate. A transaction writes at most 100 items (a DynamoDB limit),
so this backs up just those items and puts them back when the transaction is cancelled, as moto's own rollback does
for the whole table. The local cloud's lock (`infra.local.aws.serialise_dynamodb`) keeps anyone from seeing the
half-applied state in between, as it did before.

moto also ignores TransactWriteItems' `ClientRequestToken`; `honour_client_request_tokens` gives it DynamoDB's
meaning (API reference, TransactWriteItems, ClientRequestToken): for 10 minutes after a request with a token
completes, the same token with the same request succeeds without writing again, and with any other parameters is
refused with IdempotentParameterMismatchException. Only a transaction that was applied is remembered: a cancelled one
wrote nothing, so its retry is judged afresh (the reference does not say otherwise).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

from commerce.clock import Clock, system_clock

# (table name, hash key, range key) → the item before the transaction, None where there was none.
Backup = dict[tuple[str, DynamoType, DynamoType | None], Item | None]

_ORIGINAL: Callable[[DynamoDBBackend, list[dict[str, Any]]], None] = DynamoDBBackend.transact_write_items
_ORIGINAL_REQUEST: Callable[[DynamoHandler], ActionResult] = DynamoHandler.transact_write_items
TOKEN_WINDOW = timedelta(minutes=10)


class IdempotentParameterMismatchError(DynamodbException):
    error_type = ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException"

    def __init__(self) -> None:
        message = "The request uses the same client token as a previous, but non-identical request."
        super().__init__(IdempotentParameterMismatchError.error_type, message=message)


class RequestTokens:
    """Tokens of applied transactions: the request's fingerprint and when it completed. Used under the local
    cloud's DynamoDB lock (infra.local.aws.serialise_dynamodb), one request at a time."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self.clock = clock
        self._applied: dict[str, tuple[str, datetime]] = {}

    def transact(self, handler: DynamoHandler) -> ActionResult:
        body: dict[str, Any] = dict(handler.body)
        token = body.pop("ClientRequestToken", None)
        if token is None:
            return _ORIGINAL_REQUEST(handler)
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        now = self.clock()
        self._applied = {t: seen for t, seen in self._applied.items() if now - seen[1] < TOKEN_WINDOW}
        seen = self._applied.get(token)
        if seen is not None:
            if seen[0] != fingerprint:
                raise IdempotentParameterMismatchError()
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
        answer = _ORIGINAL_REQUEST(handler)
        self._applied[token] = (fingerprint, self.clock())
        return answer


_TOKENS = RequestTokens()


def honour_client_request_tokens() -> RequestTokens:
    """Installed once per process (the handler class is shared); the tokens it remembers, for tests' clocks."""

    def transact_write_items(handler: DynamoHandler) -> ActionResult:
        return _TOKENS.transact(handler)

    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign,assignment]
    return _TOKENS


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


@dataclass(frozen=True)
class Touched:
    """One action of a transaction: its table, request, key and the item stored under the key now (None: none)."""

    table: Table
    request: dict[str, Any]
    keys: dict[str, Any]
    hash_key: DynamoType
    range_key: DynamoType | None
    stored: Item | None


def touched_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Touched] | None:
    """The transaction's actions in request order; None for a malformed request (moto's own path refuses it)."""
    found: list[Touched] = []
    try:
        for operation in transact_items:
            _, request = next(iter(operation.items()))
            table = backend.get_table(request["TableName"])
            keys = request["Key"] if "Key" in request else request["Item"]
            hash_key, range_key = backend.get_keys_value(table, keys)
            found.append(Touched(table, request, keys, hash_key, range_key, table.get_item(hash_key, range_key)))
    except Exception:  # any malformed request
        return None
    return found


def _back_up(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Backup | None:
    actions = touched_items(backend, transact_items)
    if actions is None:
        return None
    return {(a.table.name, a.hash_key, a.range_key): copy.deepcopy(a.stored) for a in actions}


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
