from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What a key was first used for: the fingerprint of the request and the id of what it produced."""

    key: str
    request_hash: str
    result_id: str
    expires_at: int  # epoch seconds: DynamoDB TTL needs a number


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class DuplicateRequestError(Exception):
    """The key is already claimed; `existing` says by what."""

    def __init__(self, existing: IdempotencyRecord) -> None:
        super().__init__(f"idempotency key {existing.key!r} already used")
        self.existing = existing
