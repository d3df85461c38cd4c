"""What the order knows of its payment: the state of its one PaymentIntent as the order last recorded it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PaymentState(StrEnum):
    """The order's view of its payment. Stored as its value; the names are those written since the first release."""

    NONE = "NONE"  # no intent opened yet: an order never paid costs no Stripe call
    REQUIRES_PAYMENT = "REQUIRES_PAYMENT"  # intent opened, waiting for a card
    REQUIRES_ACTION = "REQUIRES_ACTION"  # 3-D Secure in the browser
    DECLINED = "DECLINED"  # the last card was declined; another may be tried
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"  # the intent was cancelled: by our compensation, an expiry, or in Stripe's Dashboard


@dataclass(frozen=True, slots=True)
class Payment:
    """What Stripe holds for the order. Amounts are in the order's currency."""

    intent_id: str | None = None
    status: PaymentState = PaymentState.NONE
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    failure_reason: str | None = None
    last_failure_id: str | None = None  # the declined attempt last recorded, so a repeated report is ignored
    authorized_at: str | None = None  # when the authorization was recorded: payment-to-shipment starts here
