"""Which AWS failures another attempt may not meet: worth the saga's Retry, not its Catch."""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectionError, EndpointConnectionError, ReadTimeoutError

from commerce.payment_budget import PaymentsBusyError

# DynamoDB, EventBridge and SES throttling and service-side errors.
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


def is_transient(error: BaseException) -> bool:
    if isinstance(error, PaymentsBusyError):
        return True  # our own throttle in front of Stripe's (commerce/payment_budget.py): the next window admits it
    if isinstance(error, EndpointConnectionError | ConnectionError | ReadTimeoutError):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in _TRANSIENT_AWS_CODES
    return False
