"""Every AWS API call made through boto3's default session: what the product and moto's Step Functions make.

A botocore `before-parameter-build` hook on the default session sees each call with the caller's own parameters,
before any other hook (the local Lambda runtime answers `lambda:Invoke` later, at `before-call`). botocore copies a
session's hooks into each client it creates, so this must be installed before the local cloud builds its clients.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

_EVENT = "before-parameter-build"
_HOOK_ID = f"{__name__}.count"
# EventBridge bills a PutEvents entry per started 64 KB (aws.amazon.com/eventbridge/pricing).
EVENT_CHUNK_BYTES = 64 * 1024


@dataclass
class AwsCalls:
    calls: Counter[str] = field(default_factory=Counter)  # "service:Operation"
    events_published: int = 0  # billed 64 KB chunks of PutEvents entries
    emails: int = 0  # SES bills every recipient of a message

    def count(self, service: str, operation: str | None = None) -> int:
        if operation is not None:
            return self.calls[f"{service}:{operation}"]
        return sum(n for name, n in self.calls.items() if name.startswith(f"{service}:"))


class AwsCallCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls = AwsCalls()
        self._session: boto3.Session | None = None
        self.active = False

    def install(self) -> None:
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        hook: Callable[..., None] = self._on_call
        session.events.register(_EVENT, hook, unique_id=_HOOK_ID)
        self._session = session

    def uninstall(self) -> None:
        if self._session is not None:
            self._session.events.unregister(_EVENT, unique_id=_HOOK_ID)
            self._session = None

    def take(self) -> AwsCalls:
        with self._lock:
            calls, self._calls = self._calls, AwsCalls()
        return calls

    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if not self.active:
            return
        service = model.service_model.service_name
        name = f"{service}:{model.name}"
        events = emails = 0
        if name == "events:PutEvents":
            events = sum(_chunks(entry) for entry in params.get("Entries", []))
        elif name in ("sesv2:SendEmail", "ses:SendEmail", "ses:SendRawEmail"):
            emails = _recipients(params)
        with self._lock:
            self._calls.calls[name] += 1
            self._calls.events_published += events
            self._calls.emails += emails


def _chunks(entry: dict[str, Any]) -> int:
    size = sum(len(str(value).encode()) for value in entry.values() if not isinstance(value, list | dict))
    size += len(json.dumps(entry.get("Resources", [])).encode()) if entry.get("Resources") else 0
    return max(1, math.ceil(size / EVENT_CHUNK_BYTES))


def _recipients(params: dict[str, Any]) -> int:
    destination = params.get("Destination") or {}
    addresses = sum(len(destination.get(kind, [])) for kind in ("ToAddresses", "CcAddresses", "BccAddresses"))
    return addresses or len(params.get("Destinations", [])) or 1
