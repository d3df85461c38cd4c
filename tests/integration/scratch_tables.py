"""Tables of a test's own on the local cloud's moto, for tests of the stand-in itself (not the product's tables)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def scratch_table(client: Any, prefix: str, *, sort_key: bool = True) -> Iterator[str]:
    """An on-demand table keyed by the string `pk` (and `sk` with `sort_key`), deleted afterwards; its name."""
    name = f"{prefix}-{secrets.token_hex(4)}"
    keys = ("pk", "sk") if sort_key else ("pk",)
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in zip(keys, ("HASH", "RANGE"), strict=False)],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        yield name
    finally:
        client.delete_table(TableName=name)
