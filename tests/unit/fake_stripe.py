"""A stateful in-memory Stripe for unit tests of the payment services: intents, their life cycle, and hooks that
let a test run something at the exact moment a call reaches Stripe (to replay a race deterministically).

It answers as `StripeGateway` on Stripe does (commerce/adapters/stripe_gateway.py): the gateway's own checks first
(a retried step finds its effect done), then Stripe's (payment methods, idempotency keys). It is held to the Stripe
contract suite (tests/integration/test_stripe_contract.py) through `tests.integration.stripe_contract`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from commerce.errors import CurrencyMismatchError
from commerce.payments import (
    INSUFFICIENT_FUNDS,
    InvalidPaymentMethodError,
    PaymentGateway,
    PaymentIntentNotFoundError,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentProcessingError,
    PaymentStatus,
)

if TYPE_CHECKING:
    from commerce.money import Money

# Stripe's documented test PaymentMethods (docs.stripe.com/testing#cards).
AUTHORIZES = "pm_card_visa"
DECLINES = "pm_card_chargeDeclined"
DECLINES_FOR_FUNDS = "pm_card_visa_chargeDeclinedInsufficientFunds"
NEEDS_3D_SECURE = "pm_card_threeDSecure2Required"
_AUTHORIZING = {AUTHORIZES, "pm_card_mastercard", "pm_card_amex"}
_DECLINE_CODES = {DECLINES: "generic_decline", DECLINES_FOR_FUNDS: INSUFFICIENT_FUNDS}

_S = PaymentStatus
# What Stripe's cancel accepts: https://docs.stripe.com/api/payment_intents/cancel
_CANCELLABLE = {_S.REQUIRES_PAYMENT_METHOD, _S.REQUIRES_CONFIRMATION, _S.REQUIRES_ACTION, _S.PROCESSING}
_AUTHORIZED_OR_LATER = {_S.PROCESSING, _S.REQUIRES_CAPTURE, _S.SUCCEEDED}
Hook = Callable[[str], object]


class StripeRefusalError(InvalidPaymentMethodError):
    """A payment method Stripe refuses, with Stripe's code and message (the real gateway's error carries them)."""

    def __init__(self, payment_method_id: str, message: str, code: str | None = None) -> None:
        super().__init__(payment_method_id, message)
        self.code = code


class IdempotencyKeyMisuseError(PaymentProcessingError):
    """Stripe's `idempotency_error`: a key sent again to another endpoint or with other parameters."""


@dataclass(frozen=True)
class _KeyUse:
    operation: str
    params: tuple[object, ...]
    answer: PaymentIntentSnapshot


class FakeStripe(PaymentGateway):
    def __init__(self) -> None:
        self.intents: dict[str, PaymentIntentSnapshot] = {}
        self.payment_methods: dict[str, str] = {}  # intent id → the PaymentMethod that last confirmed it
        self.cancels: list[str] = []
        self.keys: dict[str, _KeyUse] = {}
        self.refund_keys: set[tuple[str, str]] = set()
        self.charges = 0
        # Each runs once, with the intent id: as the call arrives (before Stripe acts on it), or as its answer leaves.
        self.before_confirm: list[Hook] = []
        self.before_cancel: list[Hook] = []
        self.after_retrieve: list[Hook] = []

    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        def create() -> PaymentIntentSnapshot:
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

        return self._request("create_intent", idempotency_key, (order_id, amount.amount, amount.currency), create)

    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        _run(self.before_confirm, intent_id)
        intent = self.retrieve(intent_id)
        if intent.status in _AUTHORIZED_OR_LATER:
            return intent
        if intent.status is _S.CANCELED:
            raise PaymentIntentStateError("confirm", intent_id, intent.status)

        def confirm() -> PaymentIntentSnapshot:
            _require_usable(payment_method_id)
            self.payment_methods[intent_id] = payment_method_id
            self.charges += 1
            charge = f"ch_{self.charges}"
            if payment_method_id in _DECLINE_CODES:
                return self._set(
                    intent,
                    status=_S.REQUIRES_PAYMENT_METHOD,
                    last_error_code="card_declined",
                    last_error_message="Your card was declined.",
                    decline_code=_DECLINE_CODES[payment_method_id],
                    latest_charge_id=charge,
                )
            if payment_method_id == NEEDS_3D_SECURE:
                return self._set(intent, status=_S.REQUIRES_ACTION, last_error_code=None, latest_charge_id=None)
            return self._authorized(intent, latest_charge_id=charge)

        return self._request("confirm", idempotency_key, (intent_id, payment_method_id), confirm)

    def authorize(self, intent_id: str) -> PaymentIntentSnapshot:
        """What a confirmation Stripe accepted does to the intent, whoever sent it (the browser, payOrder)."""
        return self._authorized(self.retrieve(intent_id))

    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        intent = self._stored(intent_id)
        _run(self.after_retrieve, intent_id)
        return intent

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        intent = self.retrieve(intent_id)
        if intent.status is _S.SUCCEEDED:
            return intent
        if intent.status is not _S.REQUIRES_CAPTURE:
            raise PaymentIntentStateError("capture", intent_id, intent.status)
        return self._request(
            "capture",
            idempotency_key,
            (intent_id,),
            lambda: self._set(intent, status=_S.SUCCEEDED, amount_capturable=0, amount_received=intent.amount),
        )

    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        _run(self.before_cancel, intent_id)
        intent = self.retrieve(intent_id)
        if intent.status is _S.CANCELED:
            return intent
        allowed = _CANCELLABLE - {_S.PROCESSING} if unless_authorized else _CANCELLABLE | {_S.REQUIRES_CAPTURE}
        if intent.status not in allowed:
            raise PaymentIntentStateError("cancel", intent_id, intent.status)

        def cancel() -> PaymentIntentSnapshot:
            self.cancels.append(intent_id)
            return self._set(intent, status=_S.CANCELED, amount_capturable=0)

        return self._request("cancel", idempotency_key, (intent_id,), cancel)

    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        intent = self.retrieve(intent_id)
        if intent.status is not _S.SUCCEEDED:
            raise PaymentIntentStateError("refund", intent_id, intent.status)
        if amount is not None and amount.currency != intent.currency:
            raise CurrencyMismatchError(intent.currency, amount.currency)
        remaining = intent.amount_received - intent.amount_refunded
        if (intent_id, idempotency_key) in self.refund_keys or (amount is None and remaining <= 0):
            return intent
        to_refund = remaining if amount is None else amount.amount
        if not 0 < to_refund <= remaining:
            message = f"{to_refund} requested, {remaining} refundable"
            raise PaymentProcessingError("refund", intent_id, message, "amount_too_large")

        def refund() -> PaymentIntentSnapshot:
            self.refund_keys.add((intent_id, idempotency_key))
            return self._set(intent, amount_refunded=intent.amount_refunded + to_refund)

        return self._request("refund", idempotency_key, (intent_id, to_refund), refund)

    def _request(
        self, operation: str, key: str, params: tuple[object, ...], act: Callable[[], PaymentIntentSnapshot]
    ) -> PaymentIntentSnapshot:
        """A request that reaches Stripe: a key sent again replays the first answer, for the same request only
        (docs.stripe.com/api/idempotent_requests)."""
        used = self.keys.get(key)
        if used is None:
            answer = act()
            self.keys[key] = _KeyUse(operation, params, answer)
            return answer
        if used.operation != operation:
            message = (
                "Keys for idempotent requests can only be used for the same endpoint they were first used for "
                f"({used.operation} vs {operation}). Try using a key other than '{key}' if you meant to execute a "
                "different request."
            )
        elif used.params != params:
            message = (
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{key}' if you meant to execute a different request."
            )
        else:
            return used.answer
        raise IdempotencyKeyMisuseError(operation, None, message)

    def _stored(self, intent_id: str) -> PaymentIntentSnapshot:
        if intent_id not in self.intents:
            raise PaymentIntentNotFoundError("retrieve", intent_id, "No such payment_intent")
        return self.intents[intent_id]

    def _authorized(self, intent: PaymentIntentSnapshot, **changes: object) -> PaymentIntentSnapshot:
        return self._set(
            intent,
            status=_S.REQUIRES_CAPTURE,
            amount_capturable=intent.amount,
            last_error_code=None,
            last_error_message=None,
            decline_code=None,
            **changes,
        )

    def _set(self, intent: PaymentIntentSnapshot, **changes: object) -> PaymentIntentSnapshot:
        self.intents[intent.id] = replace(intent, **changes)  # type: ignore[arg-type]
        return self.intents[intent.id]


def _require_usable(payment_method_id: str) -> None:
    """Stripe's refusals of what is not a usable PaymentMethod, in its words (the contract suite checks them)."""
    if payment_method_id.startswith("tok_"):
        raise StripeRefusalError(
            payment_method_id,
            "A token may not be passed in as a PaymentMethod. Instead, use payment_method_data with type=card and "
            f"card[token]={payment_method_id}.",
        )
    if payment_method_id.startswith("card_"):
        raise StripeRefusalError(
            payment_method_id, "A source must be attached to a customer to be used as a `payment_method`."
        )
    if payment_method_id not in _AUTHORIZING | set(_DECLINE_CODES) | {NEEDS_3D_SECURE}:
        raise StripeRefusalError(
            payment_method_id, f"No such PaymentMethod: '{payment_method_id}'", code="resource_missing"
        )


def _run(hooks: list[Hook], intent_id: str) -> None:
    while hooks:
        hooks.pop(0)(intent_id)
