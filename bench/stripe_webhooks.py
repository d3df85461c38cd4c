"""Stripe's webhook as the deployment subscribes it, so that a run pays for the webhooks production would get.

On AWS the endpoint is registered for `payment_intent.amount_capturable_updated` and `payment_intent.payment_failed`
only (docs/operate.md, "Register the Stripe webhook"). localstripe sends every event type to the local endpoint,
but never `amount_capturable_updated`: here the endpoint is re-registered for the production types, and that event is
sent for each authorized order, signed as Stripe signs it, about a second after the authorization (localstripe's
own delay for its webhooks), when the saga has usually captured already, as on AWS.
"""

from __future__ import annotations

import threading

from commerce.webhooks import HANDLED_EVENT_TYPES
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from tests.integration.shop import Shop, intent_event

DELAY_S = 1.0
_ENDPOINT_ID = "local"  # the id the local cloud registered its endpoint under: the same id replaces it


class StripeWebhooks:
    def __init__(self, cloud: LocalCloud) -> None:
        assert cloud.http is not None
        self._secret = str(LOCAL_VALUES["stripe"]["webhook_secret"])
        cloud.stripe.register_webhook(
            _ENDPOINT_ID, f"{cloud.http.base_url}/webhooks/stripe", self._secret, events=sorted(HANDLED_EVENT_TYPES)
        )
        self._shop = Shop(cloud)
        self._lock = threading.Lock()
        self._post_lock = threading.Lock()  # one HTTP client, one request at a time
        self._timers: list[threading.Timer] = []
        self.refused: list[str] = []

    def authorized(self, intent_id: str) -> None:
        timer = threading.Timer(DELAY_S, self._send, [intent_id])
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def wait(self) -> None:
        with self._lock:
            timers = list(self._timers)
        for timer in timers:
            timer.join()

    def _send(self, intent_id: str) -> None:
        event = intent_event("payment_intent.amount_capturable_updated", intent_id)
        with self._post_lock:
            status = self._shop.post_webhook(event, self._secret)
        if status != 200:
            self.refused.append(f"{intent_id}: HTTP {status}")
