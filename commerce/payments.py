"""The payment port: what the domain needs from a card processor (Stripe), and the failures it names.

Outcomes of the shopper's card (authorized, needs 3-D Secure, declined) are data on `PaymentIntentSnapshot`, so the
`payOrder` path and the webhook path, which both end up holding an intent, handle them with the same code.
Exceptions are for trouble with the request or the provider; only `PaymentProviderUnavailableError` is worth retrying.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from commerce.errors import DomainError
from commerce.money import Money

# Stripe's decline code for a card without enough funds: https://docs.stripe.com/declines/codes
INSUFFICIENT_FUNDS = "insufficient_funds"


class PaymentStatus(StrEnum):
    """Stripe's PaymentIntent statuses: https://docs.stripe.com/payments/paymentintents/lifecycle"""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


_P = PaymentStatus
# The intent holds (or is about to hold) the shopper's money: an expiry must not void it.
PAID: frozenset[PaymentStatus] = frozenset({_P.PROCESSING, _P.REQUIRES_CAPTURE, _P.SUCCEEDED})
# What our compensation cancels rather than refunds: an authorization, or a payment never completed.
# (Stripe's cancel also accepts PROCESSING; we leave an intent being confirmed to finish.)
VOIDABLE: frozenset[PaymentStatus] = frozenset(
    {_P.REQUIRES_CAPTURE, _P.REQUIRES_PAYMENT_METHOD, _P.REQUIRES_CONFIRMATION, _P.REQUIRES_ACTION}
)
# Nothing more will happen to the intent: captured (refunds aside) or cancelled.
CLOSED: frozenset[PaymentStatus] = frozenset({_P.SUCCEEDED, _P.CANCELED})


@dataclass(frozen=True, slots=True)
class PaymentIntentSnapshot:
    """One payment intent as the provider last reported it. Amounts are minor units of `currency` (ISO, upper case)."""

    id: str
    status: PaymentStatus
    amount: int
    currency: str
    amount_capturable: int
    amount_received: int
    amount_refunded: int
    client_secret: str | None
    last_error_code: str | None = None
    last_error_message: str | None = None
    decline_code: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    latest_charge_id: str | None = None  # one per confirmation attempt: tells two declines of one intent apart

    @property
    def order_id(self) -> str | None:
        return self.metadata.get("order_id")

    @property
    def decline(self) -> PaymentDeclinedError | None:
        """The last attempt's decline, when the intent is waiting for another card because of it; None otherwise."""
        if self.status is not PaymentStatus.REQUIRES_PAYMENT_METHOD or self.last_error_code is None:
            return None
        reason = self.last_error_message or self.last_error_code
        if self.decline_code == INSUFFICIENT_FUNDS:
            return InsufficientFundsError(reason, self.decline_code, intent_id=self.id)
        return PaymentDeclinedError(reason, self.decline_code or self.last_error_code, intent_id=self.id)


class PaymentError(DomainError):
    """Base class of the payment failures."""


class PaymentDeclinedError(PaymentError):
    """The card issuer or the provider's fraud checks refused the payment; another card may succeed."""

    def __init__(self, reason: str, decline_code: str | None, *, intent_id: str | None = None) -> None:
        super().__init__(f"payment declined: {reason}" + (f" ({decline_code})" if decline_code else ""))
        self.reason = reason
        self.decline_code = decline_code
        self.intent_id = intent_id


class InsufficientFundsError(PaymentDeclinedError):
    pass


class PaymentProcessingError(PaymentError):
    """The provider refused the request; sending it again unchanged fails again."""

    def __init__(self, operation: str, intent_id: str | None, message: str, code: str | None = None) -> None:
        super().__init__(f"{operation} {intent_id or ''}: {message}" + (f" ({code})" if code else ""))
        self.operation = operation
        self.intent_id = intent_id
        self.message = message
        self.code = code


class PaymentIntentStateError(PaymentProcessingError):
    """The operation does not apply to an intent in this status, e.g. capturing a canceled (expired) authorization."""

    def __init__(self, operation: str, intent_id: str, status: PaymentStatus) -> None:
        super().__init__(operation, intent_id, f"not possible while the intent is {status.value}", "unexpected_state")
        self.status = status


class PaymentIntentNotFoundError(PaymentProcessingError):
    """The provider has no such intent: another integration's object on the same account, or a deleted test one."""

    def __init__(self, operation: str, intent_id: str | None, message: str) -> None:
        super().__init__(operation, intent_id, message, "resource_missing")


class PaymentProviderUnavailableError(PaymentError):
    """The provider could not be reached or is overloaded (connection error, timeout, 5xx, rate limit): retry later."""

    def __init__(self, operation: str, intent_id: str | None, detail: str) -> None:
        super().__init__(f"payment provider unavailable during {operation} {intent_id or ''}: {detail}")
        self.operation = operation
        self.intent_id = intent_id
        self.detail = detail


class InvalidPaymentMethodError(PaymentError):
    """Not a PaymentMethod Stripe will confirm with (unknown, already used, or a token or card id): ask for another."""

    def __init__(self, payment_method_id: str, detail: str) -> None:
        super().__init__(f"payment method {payment_method_id!r} cannot be used: {detail}")
        self.payment_method_id = payment_method_id
        self.detail = detail


def require_payment_method_id(payment_method_id: str) -> str:
    """The id of a Stripe.js PaymentMethod (`pm_…`), or InvalidPaymentMethodError.

    Stripe refuses a token (`tok_…`) as a payment method and an unattached card (`card_…`) on a later attempt
    (saleor/saleor#4741, stripe/stripe-node#934): refused here before any call, whatever a stand-in would accept.
    """
    if not payment_method_id.startswith("pm_"):
        raise InvalidPaymentMethodError(payment_method_id, "not a PaymentMethod id (pm_…) from Stripe.js")
    return payment_method_id


class PaymentGateway(ABC):
    """A card processor. Every mutating call takes an idempotency key and is safe to repeat with the same key.

    Saga steps are retried, so repeating an operation whose effect is already there (capturing a captured intent,
    cancelling a canceled one, refunding with a key already used) returns the current snapshot instead of failing.
    """

    @abstractmethod
    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        """A new intent for `amount`, authorized now and captured later, tagged with the order id."""

    @abstractmethod
    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        """Confirm the intent with the browser's PaymentMethod (`pm_…`); one idempotency key per attempt.

        A declined card does not raise: the snapshot comes back `REQUIRES_PAYMENT_METHOD` with `decline` set and
        the intent accepts another card. `REQUIRES_ACTION` means 3-D Secure in the browser with `client_secret`.
        An intent already past authorization is returned as it is. Raises InvalidPaymentMethodError for an unusable
        PaymentMethod.
        """

    @abstractmethod
    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        """Raises PaymentIntentNotFoundError for an intent the provider does not know."""

    @abstractmethod
    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        """Capture the whole authorization. Raises PaymentIntentStateError unless it is authorized or captured."""

    @abstractmethod
    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        """Release the authorization. Raises PaymentIntentStateError once captured: refund instead.

        With `unless_authorized`, for an intent nobody has paid yet (an expiring order), an intent found authorized
        (`requires_capture`) or being confirmed (`processing`) is left alone and PaymentIntentStateError raised:
        only the order's own state decides whether an authorization is given back, never a sweep's earlier read.
        """

    @abstractmethod
    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        """Refund `amount`, or all that is not refunded yet. Raises PaymentIntentStateError unless captured."""
