"""Stripe's error answer, built inside the localstripe child process (infra/local/stripe_server.py).

Stripe answers a refused request with HTTP 400 and `{"error": {"type", "code", "message", "param"}}`
(https://docs.stripe.com/api/errors); localstripe's own refusals say only "Bad request". The SDK turns `type` and
`code` into its exception classes and fields, so the product's error handling sees what it would see on Stripe.
"""

from __future__ import annotations

from typing import Any

UNEXPECTED_STATE = "payment_intent_unexpected_state"


def refusal(
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    status: int = 400,
    error_type: str = "invalid_request_error",
) -> Exception:
    """localstripe's UserError (its error middleware answers it) carrying Stripe's fields."""
    from localstripe.errors import UserError

    contents: dict[str, Any] = {}
    if code is not None:
        contents["code"] = code
    if param is not None:
        contents["param"] = param
    error = UserError(status, message, contents)
    # UserError always writes invalid_request_error; idempotency errors have a type of their own on Stripe.
    error.body["error"]["type"] = error_type
    return error  # type: ignore[no-any-return]


def unexpected_state(action: str, status: str, allowed: tuple[str, ...]) -> Exception:
    # Stripe's wording for an intent in the wrong status (e.g. capturing one that is not requires_capture).
    message = (
        f"This PaymentIntent could not be {action} because it has a status of {status}. Only a PaymentIntent with "
        f"one of the following statuses may be {action}: {', '.join(allowed)}."
    )
    return refusal(message, code=UNEXPECTED_STATE)
