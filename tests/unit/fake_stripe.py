"""A stateful in-memory Stripe for unit tests of the payment services: intents, their life cycle, and hooks that
let a test run something at the exact moment a call reaches Stripe (to replay a race deterministically)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from commerce.money import Money
from commerce.payments import (
    PaymentGateway,
    PaymentIntentNotFoundError,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentStatus,
)

# Stripe's documented test PaymentMethods (docs.stripe.com/testing#cards).
AUTHORIZES = "pm_card_visa"
DECLINES = "pm_card_chargeDeclined"

_S = PaymentStatus
# What Stripe's cancel accepts: https://docs.stripe.com/api/payment_intents/cancel
_CANCELLABLE = {_S.REQUIRES_PAYMENT_METHOD, _S.REQUIRES_CONFIRMATION, _S.REQUIRES_ACTION, _S.PROCESSING}
Hook = Callable[[str], object]


class FakeStripe(PaymentGateway):
    def __init__(self) -> None:
        self.intents: dict[str, PaymentIntentSnapshot] = {}
        self.cancels: list[str] = []
        # Each runs once, with the intent id: as the call arrives (before Stripe acts on it), or as its answer leaves.
        self.before_confirm: list[Hook] = []
        self.before_cancel: list[Hook] = []
        self.after_retrieve: list[Hook] = []

    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        intent_id = f"pi_{len(self.intents) + 1}"
        self.intents[intent_id] = PaymentIntentSnapshot(
            id=intent_id,
            status=_S.REQUIRES_PAYMENT_METHOD,
            amount=amount.amount,
            currency=amount.currency,
            amount_capturable=0,
            amount_received=0,
            amount_refunded=0,
            client_secret=f"{intent_id}_secret",
            metadata={"order_id": order_id},
        )
        return self.intents[intent_id]

    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        _run(self.before_confirm, intent_id)
        intent = self.retrieve(intent_id)
        if intent.status is not _S.REQUIRES_PAYMENT_METHOD:
            if intent.status is _S.CANCELED:
                raise PaymentIntentStateError("confirm", intent_id, intent.status)
            return intent
        if payment_method_id == DECLINES:
            return self._set(intent, status=_S.REQUIRES_PAYMENT_METHOD, last_error_code="card_declined")
        return self.authorize(intent_id)

    def authorize(self, intent_id: str) -> PaymentIntentSnapshot:
        """What a confirmation Stripe accepted does to the intent, whoever sent it (the browser, payOrder)."""
        intent = self.retrieve(intent_id)
        return self._set(intent, status=_S.REQUIRES_CAPTURE, amount_capturable=intent.amount, last_error_code=None)

    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        if intent_id not in self.intents:
            raise PaymentIntentNotFoundError("retrieve", intent_id, "No such payment_intent")
        intent = self.intents[intent_id]
        _run(self.after_retrieve, intent_id)
        return intent

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        intent = self.retrieve(intent_id)
        if intent.status is _S.SUCCEEDED:
            return intent
        if intent.status is not _S.REQUIRES_CAPTURE:
            raise PaymentIntentStateError("capture", intent_id, intent.status)
        return self._set(intent, status=_S.SUCCEEDED, amount_capturable=0, amount_received=intent.amount)

    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        _run(self.before_cancel, intent_id)
        intent = self.retrieve(intent_id)
        if intent.status is _S.CANCELED:
            return intent
        allowed = _CANCELLABLE - {_S.PROCESSING} if unless_authorized else _CANCELLABLE | {_S.REQUIRES_CAPTURE}
        if intent.status not in allowed:
            raise PaymentIntentStateError("cancel", intent_id, intent.status)
        self.cancels.append(intent_id)
        return self._set(intent, status=_S.CANCELED, amount_capturable=0)

    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        intent = self.retrieve(intent_id)
        if intent.status is not _S.SUCCEEDED:
            raise PaymentIntentStateError("refund", intent_id, intent.status)
        refund = intent.amount_received - intent.amount_refunded if amount is None else amount.amount
        return self._set(intent, amount_refunded=intent.amount_refunded + refund)

    def _set(self, intent: PaymentIntentSnapshot, **changes: object) -> PaymentIntentSnapshot:
        self.intents[intent.id] = replace(intent, **changes)  # type: ignore[arg-type]
        return self.intents[intent.id]


def _run(hooks: list[Hook], intent_id: str) -> None:
    while hooks:
        hooks.pop(0)(intent_id)
