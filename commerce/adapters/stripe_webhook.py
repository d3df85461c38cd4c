from __future__ import annotations

import json

import stripe

from commerce.clock import Clock, epoch_seconds
from commerce.secrets import KeysSource, keys_source
from commerce.webhooks import InvalidWebhookError, WebhookEvent, WebhookVerifier

# Stripe's own default: a signature older than five minutes is a replay.
TOLERANCE_SECONDS = 300


class StripeWebhookVerifier(WebhookVerifier):
    """Accepts a signature made with any of `secrets`: the endpoint's, and while a rotation hands over the previous
    one (Stripe itself signs with both secrets for up to 24 hours after the endpoint's secret is rolled)."""

    def __init__(self, secrets: str | KeysSource, clock: Clock, tolerance: int = TOLERANCE_SECONDS) -> None:
        self.secrets = keys_source(secrets)
        self.clock = clock
        self.tolerance = tolerance

    def verify(self, payload: bytes, signature: str | None) -> WebhookEvent:
        if not signature:
            raise InvalidWebhookError("missing Stripe-Signature header")
        try:
            text = payload.decode("utf-8")
            self._verify_signature(text, signature)
            document = json.loads(text)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidWebhookError(str(exc)) from exc
        signed_at = _signed_at(signature)
        if signed_at < epoch_seconds(self.clock) - self.tolerance:
            raise InvalidWebhookError(f"timestamp outside the tolerance zone ({signed_at})")
        try:
            event_id, event_type = document["id"], document["type"]
            obj = document["data"]["object"]
        except (KeyError, TypeError) as exc:
            raise InvalidWebhookError("not a Stripe event") from exc
        if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(obj, dict):
            raise InvalidWebhookError("not a Stripe event")
        intent_id = obj.get("id") if obj.get("object") == "payment_intent" else obj.get("payment_intent")
        return WebhookEvent(id=event_id, type=event_type, intent_id=intent_id if isinstance(intent_id, str) else None)

    def _verify_signature(self, payload: str, signature: str) -> None:
        # The signature covers the raw bytes: they must not be parsed and re-serialised before this check.
        # No tolerance given to the SDK, which would judge it by the machine's clock: ours is checked after.
        refusal: stripe.SignatureVerificationError | None = None
        for secret in self.secrets():
            try:
                stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance=None)
                return
            except stripe.SignatureVerificationError as exc:
                refusal = exc
        raise InvalidWebhookError(str(refusal or "no webhook secret configured"))


def _signed_at(signature: str) -> int:
    """The `t=` the SDK has just verified the signature with, read exactly as it reads it (the first `t` item)."""
    for item in signature.split(","):
        key, _, value = item.partition("=")
        if key == "t":
            return int(value.split("=")[0])
    raise InvalidWebhookError("Stripe-Signature has no timestamp")
