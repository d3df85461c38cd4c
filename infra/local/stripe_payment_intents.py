"""localstripe 1.15.10's PaymentIntent made to take PaymentMethods as Stripe does, and to refuse what Stripe refuses.

Runs in the localstripe child process (infra/local/stripe_server.py) before it serves. What changes:

- `confirm(payment_method=pm_…)` and `create(payment_method=…, confirm=true)` confirm with a PaymentMethod; a
  declined intent takes another PaymentMethod on the same intent (a new attempt), as on Stripe
  (https://docs.stripe.com/payments/paymentintents/lifecycle). localstripe answered the first with a 500.
- A token (`tok_…`) or an unattached card (`card_…`) as `payment_method` is refused with Stripe's message: Stripe
  refuses both (saleor/saleor#4741, stripe/stripe-node#934); localstripe took a card id as a PaymentMethod.
- Confirm, capture and cancel in a status that does not allow them answer `payment_intent_unexpected_state`, not
  localstripe's bare "Bad request" (or, for a capture before any charge, a 500).
- `automatic_payment_methods` is accepted (the product sends `allow_redirects=never`); Stripe sends
  `amount_capturable` and `amount_received`, localstripe had neither.
"""

from __future__ import annotations

from typing import Any

from infra.local.stripe_refusals import refusal, unexpected_state

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CAPTURABLE = ("requires_capture",)
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing")

LEGACY_ID_AS_PAYMENT_METHOD = (
    "A token may not be passed in as a PaymentMethod. Instead, use payment_method_data with type=card and "
    "card[token]={token}."
)
UNATTACHED_SOURCE = "A source must be attached to a customer to be used as a `payment_method`."
MISSING_PAYMENT_METHOD = (
    "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the "
    "PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment "
    "method."
)


def patch_payment_intents(resources: Any) -> None:
    """Replace the PaymentIntent methods of localstripe's `resources` module in place.

    Call it before importing `localstripe.server`: its routes are built at import from `resources.extra_apis`,
    which holds the methods themselves, not their names.
    """
    intent_class = resources.PaymentIntent
    rules = _Rules(resources)
    routed = {
        intent_class._api_confirm: "_api_confirm",
        intent_class._api_capture: "_api_capture",
        intent_class._api_cancel: "_api_cancel",
    }
    intent_class._api_create = classmethod(rules.create)
    intent_class._api_confirm = classmethod(rules.confirm)
    intent_class._api_capture = classmethod(rules.capture)
    intent_class._api_cancel = classmethod(rules.cancel)
    intent_class._update = rules.update
    intent_class.amount_capturable = property(_amount_capturable)
    intent_class.amount_received = property(_amount_received)
    resources.extra_apis[:] = [
        (method, url, getattr(intent_class, routed[func]) if func in routed else func)
        for method, url, func in resources.extra_apis
    ]


class _Rules:
    """The replacement methods, with localstripe's originals where they still do the work."""

    def __init__(self, resources: Any) -> None:
        self.resources = resources
        intent_class = resources.PaymentIntent
        self._create = intent_class._api_create.__func__
        self._capture = intent_class._api_capture.__func__
        self._update = intent_class._update

    def create(self, cls: Any, /, automatic_payment_methods: Any = None, **data: Any) -> Any:
        if automatic_payment_methods is not None and (
            not isinstance(automatic_payment_methods, dict)
            or automatic_payment_methods.get("allow_redirects", "always") not in ("always", "never")
        ):
            raise refusal("Invalid automatic_payment_methods", param="automatic_payment_methods")
        self.check_payment_method(data.get("payment_method"))
        return self._create(cls, **data)

    def confirm(
        self,
        cls: Any,
        /,
        id: str,
        payment_method: Any = None,
        use_stripe_sdk: Any = None,
        return_url: Any = None,
        **unknown: Any,
    ) -> Any:
        if unknown:
            raise refusal(f"Received unknown parameter: {next(iter(unknown))}", code="parameter_unknown")
        self.check_payment_method(payment_method)
        intent = self.intent(id)
        if intent.status not in CONFIRMABLE:
            raise unexpected_state("confirmed", intent.status, CONFIRMABLE)
        if payment_method is not None:
            intent._update(payment_method=payment_method)
        elif intent.status == "requires_payment_method":
            raise refusal(MISSING_PAYMENT_METHOD, code="payment_intent_unexpected_state")
        intent.next_action = None
        intent._confirm(on_failure_now=intent._report_failure)
        return intent

    def capture(self, cls: Any, /, id: str, **data: Any) -> Any:
        intent = self.intent(id)
        if intent.status not in CAPTURABLE:
            raise unexpected_state("captured", intent.status, CAPTURABLE)
        return self._capture(cls, id, **data)

    def cancel(self, cls: Any, /, id: str, cancellation_reason: Any = None, **unknown: Any) -> Any:
        if unknown:
            raise refusal(f"Received unknown parameter: {next(iter(unknown))}", code="parameter_unknown")
        intent = self.intent(id)
        if intent.status not in CANCELABLE:
            raise unexpected_state("canceled", intent.status, CANCELABLE)
        intent._canceled = True
        intent.next_action = None
        return intent

    @property
    def update(self) -> Any:
        rules = self

        def update_starting_a_new_attempt(intent: Any, **data: Any) -> None:
            if "payment_method" in data:
                rules.check_payment_method(data["payment_method"])
            rules._update(intent, **data)
            if "payment_method" in data:
                # Stripe lets a declined intent be confirmed again with another PaymentMethod; localstripe kept the
                # failed charge as `latest_charge`, so the intent stayed requires_payment_method.
                if intent.latest_charge is not None and intent.latest_charge.status == "failed":
                    intent.latest_charge = None
                intent._authentication_failed = False
                intent.next_action = None

        return update_starting_a_new_attempt

    def check_payment_method(self, payment_method: object) -> None:
        if not isinstance(payment_method, str):
            return
        if payment_method.startswith("tok_"):
            raise refusal(LEGACY_ID_AS_PAYMENT_METHOD.format(token=payment_method), param="payment_method")
        store = self.resources.store
        if payment_method.startswith("card_"):
            card = store.get(f"card:{payment_method}")
            if card is None or not getattr(card, "customer", None):
                raise refusal(UNATTACHED_SOURCE, param="payment_method")
            return
        canonical = self.resources.PaymentMethod._try_get_canonical_test_article(payment_method)
        if canonical is None and store.get(f"payment_method:{payment_method}") is None:
            raise refusal(f"No such PaymentMethod: '{payment_method}'", code="resource_missing", param="payment_method")

    def intent(self, intent_id: str) -> Any:
        intent = self.resources.store.get(f"payment_intent:{intent_id}")
        if intent is None:
            raise refusal(f"No such payment_intent: '{intent_id}'", code="resource_missing", param="intent", status=404)
        return intent


def _amount_capturable(intent: Any) -> int:
    return int(intent.amount) if intent.status == "requires_capture" else 0


def _amount_received(intent: Any) -> int:
    # Ignores partial capture, which localstripe models as a refund of the rest and the product never uses.
    return int(intent.amount) if intent.status == "succeeded" else 0
