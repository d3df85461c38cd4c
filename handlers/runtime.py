"""What every handler shares: the services, built once per Lambda container, and AWS error classification."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.exceptions import ClientError, ConnectionError, EndpointConnectionError, ReadTimeoutError

from commerce.bootstrap import Services, bootstrap

# DynamoDB, EventBridge and SES throttling and service-side errors: worth the saga's Retry, not its Catch.
_TRANSIENT_AWS_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)


class TransientStepError(Exception):
    """A failure that another attempt may not meet: named in the state machine's Retry."""


@cache
def services() -> Services:
    return bootstrap()


def from_bus(event: dict[str, Any]) -> dict[str, object]:
    """The correlation keys of an EventBridge event: the order it is about and its own id."""
    return {"order_id": event["detail"]["order_id"], "event_id": event.get("id")}


def is_transient(error: BaseException) -> bool:
    if isinstance(error, EndpointConnectionError | ConnectionError | ReadTimeoutError):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in _TRANSIENT_AWS_CODES
    return False
