from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any


class InvalidCursorError(ValueError):
    def __init__(self, cursor: str) -> None:
        super().__init__(f"invalid cursor {cursor[:40]!r}")
        self.cursor = cursor


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a listing; `cursors[i]` resumes the listing right after `items[i]`."""

    items: list[T]
    cursors: list[str]
    has_next: bool

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor over a DynamoDB position (LastEvaluatedKey in attribute-value form)."""
    return base64.urlsafe_b64encode(json.dumps(position, sort_keys=True, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeError) as exc:
        raise InvalidCursorError(cursor) from exc
    if not isinstance(position, dict):
        raise InvalidCursorError(cursor)
    return position
