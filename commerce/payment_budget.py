"""A shared budget of Stripe writes per second, so a flash sale queues its payments instead of meeting Stripe's 429s.

Stripe allows about 100 write requests a second per account in live mode (https://docs.stripe.com/rate-limits), and
an order costs at least three (create the intent, confirm it, capture it): one account takes ~33 orders a second.
Every function that writes to Stripe draws from one budget per stack (STRIPE_WRITES_PER_SECOND, 80 by default:
headroom for the writes it does not meter, cancellations and refunds, and for the Dashboard). The budget is a counter
per window of a tenth of a second, each window allowing a tenth of the budget: a fixed one-second window would let a
burst at the end of one second and the start of the next send twice the budget within a few milliseconds; with
tenths, any second holds at most 11 windows' worth, 88 writes at the default. Windows are judged by the injected clock.

Captures come first. A new payment (create, confirm) may take only NEW_PAYMENT_SHARE of a window, a capture the whole
window: a flood of payOrders is refused at its share while the authorizations already won keep being captured. Were
captures to queue behind new payments, a flood longer than CapturePayment's Retry budget (four attempts within
seconds, sagas/fulfillment.py) would make the saga compensate an authorization that had been won: the shopper's card
authorized then voided, the sale lost. The share is 2/3 because an order takes two new-payment writes (create,
confirm) for its one capture: new payments at their full share admit orders whose captures need half as many writes,
and the third left to captures is at least that (floored per window: 5 of 8 at the default, 50 writes a second, so
25 orders a second admitted, whose 25 captures a second fit the 30 reserved). Declines and retried confirms only
lower the captures owed. A larger share would starve captures again, only slower: at 3/4 (6 of 8) new payments admit
30 orders a second against 20 captures a second left, because a flood retries at the start of each window
(retryAfterMs) and takes its share before captures arriving at random instants; 10 captures a second fall behind.
Both draw on one counter, so an attempt stays one conditional write: a new payment's limit is simply lower.

When the budget is spent, PaymentsBusyError says how long until the next window. payOrder answers it as the user
error PAYMENTS_BUSY with that wait (the stock hold taken before it is kept: the storefront retries); the saga's
capture raises it as a transient failure, which the state machine's Retry sends again.
"""

from __future__ import annotations

import math
import threading
from abc import ABC, abstractmethod
from datetime import datetime
from fractions import Fraction

from commerce.clock import Clock
from commerce.money import Money
from commerce.payments import PaymentGateway, PaymentIntentSnapshot, PaymentProviderUnavailableError

DEFAULT_WRITES_PER_SECOND = 80
WINDOWS_PER_SECOND = 10
WINDOW_MS = 1000 // WINDOWS_PER_SECOND
# A new payment writes twice (create, confirm) for the one capture that follows: see the module's docstring.
NEW_PAYMENT_SHARE = Fraction(2, 3)
NEW_PAYMENT_WRITES_PER_ORDER = 2
# Each window must admit at least one new payment and keep at least one write for captures.
MIN_WRITES_PER_SECOND = 2 * WINDOWS_PER_SECOND
# A window's counter outlives its window by this much before the table's TTL may delete it (TTL deletes lazily).
COUNTER_TTL_SECONDS = 120


class PaymentsBusyError(PaymentProviderUnavailableError):
    """The stack's Stripe write budget for this instant is spent: nothing was sent; try again after `retry_after_ms`."""

    def __init__(self, operation: str, intent_id: str | None, retry_after_ms: int) -> None:
        super().__init__(operation, intent_id, f"Stripe write budget spent; retry in {retry_after_ms} ms")
        self.retry_after_ms = retry_after_ms


def new_payment_writes_per_window(writes_per_second: int) -> int:
    """How many of a window's writes new payments may take (NEW_PAYMENT_SHARE of it, floored)."""
    return math.floor(writes_per_second // WINDOWS_PER_SECOND * NEW_PAYMENT_SHARE)


def new_orders_per_second(writes_per_second: int) -> float:
    """Orders a second a flood of new payments is admitted at: two writes each (create, confirm) from their share."""
    return new_payment_writes_per_window(writes_per_second) * WINDOWS_PER_SECOND / NEW_PAYMENT_WRITES_PER_ORDER


class StripeWriteBudget(ABC):
    """The protocol: which window an instant falls in, each kind of write's limit in it, and the wait when it is spent.
    Implementations only count, atomically: `_take_one` adds one to a window's counter if it is below the limit."""

    def __init__(self, writes_per_second: int, clock: Clock) -> None:
        if writes_per_second < MIN_WRITES_PER_SECOND:
            raise ValueError(f"a Stripe write budget needs at least {MIN_WRITES_PER_SECOND} writes a second")
        self.writes_per_second = writes_per_second
        self.per_window = writes_per_second // WINDOWS_PER_SECOND
        self.new_payments_per_window = new_payment_writes_per_window(writes_per_second)
        self.clock = clock

    def take_for_new_payment(self, operation: str, intent_id: str | None = None) -> None:
        """One write for a payment not yet authorized (create, confirm), from its share of now's window."""
        self._take(self.new_payments_per_window, operation, intent_id)

    def take_for_capture(self, intent_id: str) -> None:
        """One write for capturing an authorization, from the whole of now's window."""
        self._take(self.per_window, "capture", intent_id)

    def _take(self, limit: int, operation: str, intent_id: str | None) -> None:
        window, retry_after_ms = _window(self.clock())
        expires_at = window // WINDOWS_PER_SECOND + COUNTER_TTL_SECONDS
        if not self._take_one(window, limit, expires_at):
            raise PaymentsBusyError(operation, intent_id, retry_after_ms)

    @abstractmethod
    def _take_one(self, window: int, limit: int, expires_at: int) -> bool:
        """Add one to the window's counter unless it reached `limit`; whether it did."""


def _window(now: datetime) -> tuple[int, int]:
    """The window `now` falls in (tenths of a second since the epoch), and the milliseconds until it ends."""
    ms = math.floor(now.timestamp() * 1000)
    window = ms // WINDOW_MS
    return window, max(1, (window + 1) * WINDOW_MS - ms)


class InMemoryStripeWriteBudget(StripeWriteBudget):
    """For unit tests and one process: the same protocol over a dict under a lock."""

    def __init__(self, writes_per_second: int, clock: Clock) -> None:
        super().__init__(writes_per_second, clock)
        self._counts: dict[int, int] = {}
        self._lock = threading.Lock()

    def _take_one(self, window: int, limit: int, expires_at: int) -> bool:
        with self._lock:
            if self._counts.get(window, 0) >= limit:
                return False
            self._counts[window] = self._counts.get(window, 0) + 1
            return True


class BudgetedGateway(PaymentGateway):
    """The payment gateway with every per-order write (create, confirm, capture) drawn from a StripeWriteBudget first.

    Reads are not metered (Stripe limits them apart), nor are cancellations and refunds: a compensation or an admin's
    cancellation must never wait behind a sale, and they are few; the budget's headroom under Stripe's limit is theirs.
    """

    def __init__(self, gateway: PaymentGateway, budget: StripeWriteBudget) -> None:
        self.gateway = gateway
        self.budget = budget

    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        self.budget.take_for_new_payment("create_intent")
        return self.gateway.create_intent(order_id, amount, idempotency_key)

    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        self.budget.take_for_new_payment("confirm", intent_id)
        return self.gateway.confirm_with_payment_method(intent_id, payment_method_id, idempotency_key)

    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        return self.gateway.retrieve(intent_id)

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        self.budget.take_for_capture(intent_id)
        return self.gateway.capture(intent_id, idempotency_key)

    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        return self.gateway.cancel(intent_id, idempotency_key, unless_authorized=unless_authorized)

    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        return self.gateway.refund(intent_id, amount, idempotency_key)
