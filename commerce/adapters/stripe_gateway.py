"""`PaymentGateway` on Stripe's API through the official SDK, with its own client rather than the SDK's globals."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import stripe

from commerce.errors import CurrencyMismatchError
from commerce.payments import (
    CLOSED,
    INSUFFICIENT_FUNDS,
    PAID,
    InsufficientFundsError,
    InvalidPaymentMethodError,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentIntentNotFoundError,
    PaymentIntentSnapshot,
    PaymentIntentStateError,
    PaymentProcessingError,
    PaymentProviderUnavailableError,
    PaymentStatus,
)
from commerce.secrets import KeySource, key_source

if TYPE_CHECKING:
    from commerce.money import Money

logger = logging.getLogger(__name__)

# Charge amounts and refunds live on the charge; expanding it on every call saves a second request.
_EXPAND = ["latest_charge"]


class StripeGateway(PaymentGateway):
    def __init__(self, api_key: KeySource, connect: Callable[[str], stripe.StripeClient]) -> None:
        self._api_key = api_key
        self._connect = connect
        self._connected: tuple[str, stripe.StripeClient] | None = None

    @property
    def _client(self) -> stripe.StripeClient:
        """A client for the current key: a rotated Stripe key is in use from the first call that reads it."""
        key = self._api_key()
        if self._connected is None or self._connected[0] != key:
            self._connected = (key, self._connect(key))
        return self._connected[1]

    @classmethod
    def connect(
        cls,
        api_key: str | KeySource,
        *,
        api_base: str = stripe.DEFAULT_API_BASE,
        timeout: float | tuple[float, float] = (2.0, 5.0),
        max_network_retries: int = 1,
    ) -> StripeGateway:
        """A gateway with its own client: two configurations (e.g. localstripe and a dead port) can coexist.

        The SDK's 80 s default timeout would outlive the Lambda that called it; one attempt (2 s to connect, 5 to
        read) ends within a saga step's 8 s (sagas/fulfillment.py), so the step fails as a timeout the state
        machine retries rather than dying with its Lambda mid-call. StripeClient does not inherit
        `stripe.max_network_retries` (2): left unset it never retries. Its retries reuse our idempotency key, so
        one quick retry is safe on Stripe; longer outages are the saga's Retry to handle.
        """
        http_client = stripe.RequestsClient(timeout=timeout)

        def client(key: str) -> stripe.StripeClient:
            return stripe.StripeClient(
                key, base_addresses={"api": api_base}, http_client=http_client, max_network_retries=max_network_retries
            )

        return cls(key_source(api_key), client)

    def create_intent(self, order_id: str, amount: Money, idempotency_key: str) -> PaymentIntentSnapshot:
        with _translated("create_intent", None):
            intent = self._client.v1.payment_intents.create(
                params={
                    "amount": amount.amount,
                    "currency": amount.currency.lower(),
                    "capture_method": "manual",
                    # Card only, never a redirect: without this, Stripe's default (every method enabled in the
                    # Dashboard) makes each confirmation require a return_url.
                    "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
                    "metadata": {"order_id": order_id},
                    "expand": _EXPAND,
                },
                options={"idempotency_key": idempotency_key},
            )
        return _snapshot(intent)

    def confirm_with_payment_method(
        self, intent_id: str, payment_method_id: str, idempotency_key: str
    ) -> PaymentIntentSnapshot:
        current = self.retrieve(intent_id)
        if current.status in PAID:
            logger.info("confirm %s: already %s", intent_id, current.status.value)
            return current
        if current.status is PaymentStatus.CANCELED:
            raise PaymentIntentStateError("confirm", intent_id, current.status)
        try:
            with _translated("confirm", intent_id, payment_method=payment_method_id):
                intent = self._client.v1.payment_intents.confirm(
                    intent_id,
                    # use_stripe_sdk: a 3-D Secure next action that Stripe.js's handleNextAction can run.
                    params={"payment_method": payment_method_id, "use_stripe_sdk": True, "expand": _EXPAND},
                    options={"idempotency_key": idempotency_key},
                )
        except PaymentDeclinedError:
            # The decline is recorded on the intent (status and last_payment_error); report it from there, the same
            # way the webhook path sees it.
            return self.retrieve(intent_id)
        return _snapshot(intent)

    def retrieve(self, intent_id: str) -> PaymentIntentSnapshot:
        with _translated("retrieve", intent_id):
            intent = self._client.v1.payment_intents.retrieve(intent_id, params={"expand": _EXPAND})
        return _snapshot(intent)

    def capture(self, intent_id: str, idempotency_key: str) -> PaymentIntentSnapshot:
        return self._unless_done(
            "capture",
            intent_id,
            done=PaymentStatus.SUCCEEDED,
            allowed={PaymentStatus.REQUIRES_CAPTURE},
            request=lambda: self._client.v1.payment_intents.capture(
                intent_id, params={"expand": _EXPAND}, options={"idempotency_key": idempotency_key}
            ),
        )

    def cancel(self, intent_id: str, idempotency_key: str, *, unless_authorized: bool = False) -> PaymentIntentSnapshot:
        # Stripe cancels from requires_capture and processing too, and has no conditional cancel: the re-read here
        # is the only guard, so a caller releasing an unpaid intent must never reach those states.
        authorized = {PaymentStatus.REQUIRES_CAPTURE, PaymentStatus.PROCESSING} if unless_authorized else set()
        return self._unless_done(
            "cancel",
            intent_id,
            done=PaymentStatus.CANCELED,
            allowed=set(PaymentStatus) - CLOSED - authorized,
            request=lambda: self._client.v1.payment_intents.cancel(
                intent_id, params={"expand": _EXPAND}, options={"idempotency_key": idempotency_key}
            ),
        )

    def refund(self, intent_id: str, amount: Money | None, idempotency_key: str) -> PaymentIntentSnapshot:
        current = self.retrieve(intent_id)
        if current.status is not PaymentStatus.SUCCEEDED:
            raise PaymentIntentStateError("refund", intent_id, current.status)
        if amount is not None and amount.currency != current.currency:
            raise CurrencyMismatchError(current.currency, amount.currency)
        remaining = current.amount_received - current.amount_refunded
        if self._refunded_with(intent_id, idempotency_key) or (amount is None and remaining <= 0):
            logger.info(
                "refund %s: already done (%d of %d refunded)", intent_id, current.amount_refunded, current.amount
            )
            return current
        to_refund = remaining if amount is None else amount.amount
        if not 0 < to_refund <= remaining:
            message = f"{to_refund} requested, {remaining} refundable"
            raise PaymentProcessingError("refund", intent_id, message, "amount_too_large")
        with _translated("refund", intent_id):
            self._client.v1.refunds.create(
                # The amount is explicit: without one localstripe refunds the whole charge again, not what remains.
                params={
                    "payment_intent": intent_id,
                    "amount": to_refund,
                    "metadata": {"idempotency_key": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        return self.retrieve(intent_id)

    def _unless_done(
        self,
        operation: str,
        intent_id: str,
        *,
        done: PaymentStatus,
        allowed: set[PaymentStatus],
        request: Callable[[], stripe.PaymentIntent],
    ) -> PaymentIntentSnapshot:
        # Checked first rather than inferred from Stripe's error: a retried saga step must see success, and
        # localstripe answers some out-of-order requests (capture before any charge) with a 500, not a 400.
        current = self.retrieve(intent_id)
        if current.status is done:
            logger.info("%s %s: already %s", operation, intent_id, done.value)
            return current
        if current.status not in allowed:
            raise PaymentIntentStateError(operation, intent_id, current.status)
        try:
            with _translated(operation, intent_id):
                return _snapshot(request())
        except PaymentProcessingError:
            # Someone else (a concurrent retry, the admin) got there between our read and our request.
            latest = self.retrieve(intent_id)
            if latest.status is done:
                return latest
            raise

    def _refunded_with(self, intent_id: str, idempotency_key: str) -> bool:
        # Stripe replays a refund sent again with the same key, localstripe creates a second one: the key is also
        # kept in the refund's metadata so a retry finds the first refund on either.
        with _translated("refund", intent_id):
            refunds = self._client.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
        return any(
            refund.metadata is not None and refund.metadata.to_dict().get("idempotency_key") == idempotency_key
            for refund in refunds.data
        )


def _snapshot(intent: stripe.PaymentIntent) -> PaymentIntentSnapshot:
    charge = intent.latest_charge
    error = intent.last_payment_error
    return PaymentIntentSnapshot(
        id=intent.id,
        status=PaymentStatus(intent.status),
        amount=intent.amount,
        currency=intent.currency.upper(),
        amount_capturable=intent.amount_capturable,
        amount_received=intent.amount_received,
        amount_refunded=charge.amount_refunded if isinstance(charge, stripe.Charge) else 0,
        client_secret=intent.client_secret,
        last_error_code=_optional_text(error, "code"),
        last_error_message=_optional_text(error, "message"),
        decline_code=_optional_text(error, "decline_code"),
        metadata={str(key): str(value) for key, value in intent.metadata.to_dict().items()},
        latest_charge_id=charge.id if isinstance(charge, stripe.Charge) else charge,
    )


def _optional_text(error: stripe.StripeObject | None, name: str) -> str | None:
    # Stripe leaves out an error's fields that do not apply (decline_code outside card declines, all but code and
    # message on localstripe), and the SDK raises AttributeError for a missing field even where its types say Optional.
    value: object = getattr(error, name, None)
    return value if isinstance(value, str) else None


@contextmanager
def _translated(operation: str, intent_id: str | None, *, payment_method: str | None = None) -> Iterator[None]:
    """Turn the SDK's exceptions into the domain's, so callers never import stripe."""
    try:
        yield
    except stripe.CardError as exc:
        decline_code = _optional_text(exc.error, "decline_code")
        reason = exc.user_message or str(exc)
        if INSUFFICIENT_FUNDS in (decline_code, exc.code):
            raise InsufficientFundsError(reason, INSUFFICIENT_FUNDS, intent_id=intent_id) from exc
        raise PaymentDeclinedError(reason, decline_code or exc.code, intent_id=intent_id) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise PaymentProviderUnavailableError(operation, intent_id, _message(exc)) from exc
    except stripe.APIError as exc:
        # A 5xx is Stripe's own trouble and its idempotency keys make a retry safe; anything else would fail again.
        if exc.http_status is None or exc.http_status >= 500:
            raise PaymentProviderUnavailableError(operation, intent_id, _message(exc)) from exc
        raise PaymentProcessingError(operation, intent_id, _message(exc), exc.code) from exc
    except stripe.InvalidRequestError as exc:
        if payment_method is not None and exc.param == "payment_method":
            raise InvalidPaymentMethodError(payment_method, _message(exc)) from exc
        if exc.http_status == 404:
            raise PaymentIntentNotFoundError(operation, intent_id, _message(exc)) from exc
        raise PaymentProcessingError(operation, intent_id, _message(exc), exc.code) from exc
    except stripe.StripeError as exc:
        # Authentication, permission and idempotency errors: configuration or programming faults, never transient.
        raise PaymentProcessingError(operation, intent_id, _message(exc), exc.code) from exc


def _message(exc: stripe.StripeError) -> str:
    return f"{type(exc).__name__} (HTTP {exc.http_status}): {exc.user_message or exc}"
