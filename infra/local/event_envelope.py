"""What an EventBridge rule target receives: the event envelope, or the part of it the target asks for."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def envelope(moto_event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as AWS hands it to targets, from the message moto builds in `put_events`.

    moto keeps `time` as epoch seconds (and adds `ingestion-time`); targets on AWS get an ISO 8601 string.
    """
    return {
        "version": moto_event["version"],
        "id": moto_event["id"],
        "detail-type": moto_event["detail-type"],
        "source": moto_event["source"],
        "account": moto_event["account"],
        "time": _iso_8601(moto_event["time"]),
        "region": moto_event["region"],
        "resources": list(moto_event["resources"]),
        "detail": moto_event["detail"],
    }


def target_input(target: Mapping[str, Any], event: dict[str, Any]) -> Any:
    if "Input" in target:
        return json.loads(target["Input"])
    if "InputPath" in target:
        return _select(event, target["InputPath"])
    if "InputTransformer" in target:
        raise NotImplementedError("the local cloud does not apply InputTransformer; use InputPath")
    return event


def _select(event: dict[str, Any], path: str) -> Any:
    if path != "$" and not path.startswith("$."):
        raise NotImplementedError(f"only '$' and '$.dotted.path' InputPaths are supported locally, not {path!r}")
    value: Any = event
    for key in path.split(".")[1:]:
        value = value[key]
    return value


def _iso_8601(time: object) -> str:
    if isinstance(time, int | float):
        return datetime.fromtimestamp(time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(time)
