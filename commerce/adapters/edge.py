"""Only CloudFront may call the API: it adds a secret header to every request it forwards to the HTTP API.

The WAF's per-client rate limit sits on the distribution (infra/components/web.py); the HTTP API's own URL
(execute-api) is public too, and without this check it would be the way around the WAF. API Gateway HTTP APIs
take no WAF and no resource policy, so the functions behind it refuse what lacks the header (AWS's documented
pattern: "Restrict access to Application Load Balancers / custom origins" with a custom origin header).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

logger = logging.getLogger(__name__)

ORIGIN_HEADER = "x-origin-verify"

# None: no CloudFront in front (the local server is its own edge), nothing to check.
OriginSecrets = Callable[[], Sequence[str] | None]


class OriginCheck:
    def __init__(self, secrets: OriginSecrets) -> None:
        self._secrets = secrets

    def admits(self, headers: Mapping[str, str]) -> bool:
        expected = self._secrets()
        if expected is None:
            return True
        presented = next((value for name, value in headers.items() if name.lower() == ORIGIN_HEADER), "")
        # Compared in constant time: the header's value is the only thing standing between a caller and the API.
        return any(hmac.compare_digest(presented.encode(), secret.encode()) for secret in expected if secret)


def refused_unless_from_edge(check: OriginCheck, event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The 403 for an API Gateway (payload v2) event that did not come through CloudFront; None to serve it."""
    if check.admits(event.get("headers") or {}):
        return None
    logger.warning("request refused: it did not come through CloudFront", extra={"path": event.get("rawPath")})
    return {
        "statusCode": 403,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"error": "forbidden: this API is reached through its CloudFront distribution"}),
    }
