"""Log lines that carry their invocation's correlation keys and never a secret.

On Lambda every line is JSON from Powertools' formatter, set on the root logger so the stdlib loggers of every
module (`logging.getLogger(__name__)`) emit it too. Redaction is the last line of defence, not the first: no code
logs a key, a token or a card on purpose, but an exception message may quote what it was given.
"""

from __future__ import annotations

import logging
import os
import re
import sys

from commerce.adapters.invocation import current

REDACTED = "[REDACTED]"
_SECRETS = re.compile(
    "|".join(
        (
            r"\b(?:sk|rk)_(?:test|live)_\w+",  # Stripe secret and restricted keys
            r"\bwhsec_[\w+/=]+",  # webhook signing secrets
            r"\b(?:pi|seti)_\w+?_secret_\w+",  # PaymentIntent / SetupIntent client secrets
            r"\btok_\w+",  # Stripe.js card tokens
            r"\beyJ[\w-]+\.[\w-]+\.[\w-]*",  # JWTs (the admin's bearer token)
            r"\b(?i:bearer)\s+[\w.~+/=-]+",
            r"\bv1=[0-9a-f]{64}",  # a Stripe-Signature's HMAC
        )
    )
)
_CARD_NUMBER = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


def redact(text: str) -> str:
    return _CARD_NUMBER.sub(_card_or_digits, _SECRETS.sub(REDACTED, text))


def _card_or_digits(match: re.Match[str]) -> str:
    digits = [int(c) for c in match.group() if c.isdigit()]
    # Luhn's check tells a card number from other long numbers (epoch milliseconds, amounts, ids).
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(reversed(digits)))
    return REDACTED if len(digits) >= 13 and total % 10 == 0 else match.group()


class CorrelationFilter(logging.Filter):
    """Adds the current invocation's keys to each record, unless the call itself named them (`extra=`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = current()
        if found is not None:
            for key, value in found.correlation().items():
                record.__dict__.setdefault(key, value)
        return True


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def configure_lambda_logging() -> None:
    """Powertools' JSON on the root logger's handlers (the Lambda runtime's own, or stdout when there is none)."""
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stdout))
    service = os.environ.get("POWERTOOLS_SERVICE_NAME", "service_undefined")
    formatter = RedactingFormatter(LambdaPowertoolsFormatter(service=service, utc=True, use_rfc3339=True))
    for handler in root.handlers:
        handler.setFormatter(formatter)
        handler.addFilter(CorrelationFilter())
    root.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL") or os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "INFO")
    quiet_libraries()


# Libraries whose INFO lines are per-request noise; Stripe's SDK also puts object ids (a card token) in them.
QUIET_LIBRARIES = ("stripe", "aws_xray_sdk", "botocore", "urllib3")


def quiet_libraries() -> None:
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
