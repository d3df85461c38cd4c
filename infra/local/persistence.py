"""What the local cloud keeps across a restart: every DynamoDB table and localstripe's store, as one snapshot.

A snapshot is one instant. DynamoDB is read while none of its requests can run (the lock of infra/local/aws.py)
and localstripe's store right after, inside the same pause: Stripe may then be ahead of the orders (a capture
whose record had not been written yet, exactly what a Lambda crash between the two leaves on AWS, and what every
step survives), but never behind them. The tables are read from moto's memory, not scanned over HTTP: moto's
server thread answering a Scan would wait for the very lock we hold.

What lives only in this process is not kept: Step Functions executions, events not yet delivered, asynchronous
invocations, localstripe's pending webhooks, the mail SES "sent". The scheduled redrive-stuck-orders function
re-runs what they left half done.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moto.dynamodb.models import dynamodb_backends

from infra.deployment import Deployment
from infra.local.aws import REGION, dynamodb_paused
from infra.local.lambda_runtime import MOTO_ACCOUNT_ID
from infra.local.state_dir import Snapshot, StateDir
from infra.local.stripe_server import LocalStripe
from infra.local.tables import physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

logger = logging.getLogger(__name__)

FORMAT = 1
_BATCH = 25  # BatchWriteItem's limit per request


def take_snapshot(state: StateDir, deployment: Deployment, prefix: str, stripe: LocalStripe) -> Snapshot:
    with dynamodb_paused():
        tables = _read_tables(deployment, prefix)
        # Serialised before the pause ends: moto hands out some of its own lists, which later writes change.
        document = json.dumps({"format": FORMAT, "taken_at": datetime.now(UTC).isoformat(), "tables": tables})
        stripe_store = stripe.snapshot()
    snapshot = state.save(document.encode(), stripe_store)
    logger.info(
        "state saved to %s: %d items, %d KiB of Stripe objects",
        snapshot.path,
        sum(len(items) for items in tables.values()),
        len(stripe_store) // 1024,
    )
    return snapshot


def restore_tables(client: DynamoDBClient, deployment: Deployment, prefix: str, snapshot: Snapshot) -> int:
    """Write the snapshot's items into the (new, empty) tables; returns how many."""
    document = json.loads(snapshot.dynamodb_file.read_bytes())
    if document.get("format") != FORMAT:
        raise ValueError(f"{snapshot.dynamodb_file} is not a snapshot this version reads (format {FORMAT})")
    restored = 0
    for table in deployment.tables:
        items = document["tables"].get(table.name, [])
        for batch in _batches([from_dynamodb_json(item) for item in items]):
            requests: list[Any] = [{"PutRequest": {"Item": item}} for item in batch]
            pending: dict[str, Any] = {physical_name(prefix, table): requests}
            while pending:  # moto processes a whole batch, DynamoDB may hand some back: both are handled
                pending = dict(client.batch_write_item(RequestItems=pending).get("UnprocessedItems", {}))
        restored += len(items)
    logger.info("restored %d items from %s", restored, snapshot.path)
    return restored


def _read_tables(deployment: Deployment, prefix: str) -> dict[str, list[dict[str, Any]]]:
    """Every item of every described table in DynamoDB JSON (typed attribute values), by logical table name."""
    backend = dynamodb_backends[MOTO_ACCOUNT_ID][REGION]
    return {
        table.name: [item.to_json()["Attributes"] for item in backend.tables[physical_name(prefix, table)].all_items()]
        for table in deployment.tables
    }


def from_dynamodb_json(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _typed(value) for name, value in item.items()}


def _typed(value: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB JSON carries binary values base64-encoded; the low-level client wants bytes."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": _binary(inner)}
    if kind == "BS":
        return {"BS": [_binary(element) for element in inner]}
    if kind == "M":
        return {"M": from_dynamodb_json(inner)}
    if kind == "L":
        return {"L": [_typed(element) for element in inner]}
    return value


def _binary(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else base64.b64decode(value)


def _batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]
