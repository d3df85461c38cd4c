"""The reservations table's sparse `holds_by_expiry` index: which hold goes in which partition, and how the lapsed
ones are read back.

A HELD reservation carries `held` (the index's partition key) and `expires_at` (its sort key); every change out of
HELD removes `held`, so the index lists exactly the holds not settled yet, by expiry.

`held` is "HELD#<n>", n in 0..HOLD_PARTITIONS-1 from a stable hash of the order id: one value would put every hold
of the shop on one index partition. Each hold writes its index entry twice (taken, then removed when it is settled;
a renewal moves the sort key: two more), a keys-only entry is under 1 KB so one write unit each, and a partition takes
1,000 write units a second (DynamoDB developer guide, "Designing partition keys to distribute your workload"): one
value capped the shop near 500 holds a second, which a flash sale's 3x peak reaches exactly (docs/performance.md,
"Flash sales"). 16 values take ~8,000: 16x the sale's peak, past Lambda's default 1,000 concurrent payOrders, so the
index is no longer the ceiling. More values cost every reader one Query more (below).

Holds written before the key was sharded carry "HELD" (LEGACY_MARK): readers query that value too, so a hold taken
by the previous version and never settled is still reclaimed. It costs one Query of an empty partition once those
holds are gone (HOLD_LIMIT and one sweep after the upgrade); it can go in a later release.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import TYPE_CHECKING

from commerce.clock import to_iso
from commerce.repositories.dynamo import from_wire, to_wire

if TYPE_CHECKING:
    from commerce.repositories.dynamo import DynamoTable

HOLDS_INDEX = "holds_by_expiry"
HOLD_PARTITIONS = 16
LEGACY_MARK = "HELD"  # the one partition key value before it was sharded


def held_mark(order_id: str) -> str:
    """The index partition of an order's hold: the same for every hold of the order (a new hold replacing a lapsed
    one lands where the old one was), spread evenly over order ids. CRC-32, not hash(): Python salts str hashes
    per process, and every writer and reader must agree."""
    return f"{LEGACY_MARK}#{zlib.crc32(order_id.encode()) % HOLD_PARTITIONS}"


HELD_MARKS = (*(f"{LEGACY_MARK}#{n}" for n in range(HOLD_PARTITIONS)), LEGACY_MARK)


def lapsed_holds(reservations: DynamoTable, now: datetime, limit: int) -> list[str]:
    """The orders of the `limit` holds lapsed longest, at or before `now`, over every partition of the index.

    Every partition is read, by the sweep and by an allocation short of stock alike: a hold in a partition left out
    would wait for the next sweep while a shopper is refused its units, which is what the allocation's reclaim is for.
    Each Query asks for `limit` entries, so the oldest `limit` of their answers together are exactly the `limit`
    longest lapsed holds shop-wide: no partition waits behind another's backlog. The cost is one Query a partition
    (17), each reading keys-only entries of ~80 bytes: the allocation's 20 are one read unit a partition; the
    sweep's 500 about five. They run one after another, ~17 round trips, on a path that runs only when stock is short.

    The index is eventually consistent: it may still list a hold converted a moment ago, which reclaim's condition
    then refuses; a hold that lapsed a moment ago may be missing until the next read.
    """
    if limit <= 0:
        return []
    answers = sorted(entry for mark in HELD_MARKS for entry in _lapsed_in(reservations, mark, now, limit))
    return [order_id for _, order_id in answers[:limit]]


def _lapsed_in(reservations: DynamoTable, mark: str, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(expires_at, order_id) of up to `limit` of one partition's lapsed holds, those lapsed longest."""
    response = reservations.client.query(
        TableName=reservations.name,
        IndexName=HOLDS_INDEX,
        KeyConditionExpression="held = :held AND expires_at <= :now",
        ExpressionAttributeValues=to_wire({":held": mark, ":now": to_iso(now)}),
        Limit=limit,
    )
    entries = (from_wire(item) for item in response.get("Items", []))
    return [(str(entry["expires_at"]), str(entry["order_id"])) for entry in entries]
