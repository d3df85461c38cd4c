"""Lambda "stripe-webhook" (API Gateway HTTP API, payload v2): verify, de-duplicate, publish. Nothing else."""

from __future__ import annotations

import base64
import json
import logging
import re
from typing import Any

from commerce.adapters.edge import refused_unless_from_edge
from commerce.adapters.invocation import bind, observed
from commerce.bootstrap import bootstrap
from commerce.commands import ReceiveStripeWebhook
from commerce.handlers import WEBHOOK_HANDLERS
from commerce.webhooks import InvalidWebhookError
from commerce.wiring import origin_check

logger = logging.getLogger(__name__)

bus = bootstrap(WEBHOOK_HANDLERS)

_EVENT_ID = re.compile(rb'"id"\s*:\s*"(evt_[A-Za-z0-9]{1,64})"')


def handle(body: bytes, signature: str | None) -> tuple[int, dict[str, str]]:
    """The webhook's whole behaviour, shared by the Lambda and the local server: (HTTP status, JSON body)."""
    # Only the event id is read before verification, for correlation: the body itself is never logged (an intent
    # in it carries its client secret).
    event_id = _EVENT_ID.search(body)
    bind(stripe_event_id=event_id.group(1).decode() if event_id else None)
    try:
        outcome = bus.handle(ReceiveStripeWebhook(body, signature))
    except InvalidWebhookError as exc:
        logger.warning("webhook refused: %s", exc)
        return 400, {"error": "invalid webhook"}
    return 200, {"received": outcome.value}


@observed()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    refused = refused_unless_from_edge(bus.dependencies.build(origin_check), event)
    if refused is not None:
        return refused
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    status, payload = handle(body, headers.get("stripe-signature"))
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}
