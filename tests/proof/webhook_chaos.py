"""Stripe's webhooks at their worst: every event 1-5 times, shuffled, mixed with forged and broken ones."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from commerce import wiring, wiring_services
from commerce.order_status import OrderStatus
from commerce.payments import PaymentStatus
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_VALUES
from tests.integration.shop import PlacedOrder, Shop, intent_event, stripe_signature
from tests.integration.stripe_cards import AUTHORIZES
from tests.proof.contention import TERMINAL, stock_product


@dataclass
class WebhookChaosResult:
    orders: int
    deliveries: int = 0
    bad_deliveries: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def _bad_requests(intent_id: str, secret: str, rng: random.Random) -> list[tuple[str, bytes, dict[str, str]]]:
    good = json.dumps(intent_event("payment_intent.amount_capturable_updated", intent_id)).encode()
    now = int(time.time())
    return [
        ("unsigned", good, {}),
        ("wrongly signed", good, {"stripe-signature": stripe_signature(good, "whsec_attacker", now)}),
        ("stale", good, {"stripe-signature": stripe_signature(good, secret, now - 3600)}),
        ("malformed", b'{"id": "evt_', {"stripe-signature": stripe_signature(b'{"id": "evt_', secret, now)}),
        (
            "tampered",
            good.replace(b"amount_capturable_updated", b"payment_failed"),
            {"stripe-signature": stripe_signature(good, secret, now)},
        ),
    ]


def run_webhook_chaos(cloud: LocalCloud, *, orders: int, seed: int = 11) -> WebhookChaosResult:
    """Orders are paid without payOrder's own report reaching us, so only the webhooks can start sagas."""
    rng = random.Random(seed)
    secret = str(LOCAL_VALUES["stripe"]["webhook_secret"])
    shop = Shop(cloud)
    product = stock_product(cloud, (orders, orders, orders))
    result = WebhookChaosResult(orders=orders)
    started = time.monotonic()
    placed: list[tuple[PlacedOrder, str]] = []
    for _ in range(orders):
        order = shop.place([(product, 1)])
        placed_order = cloud.repositories.orders.get(order.id)
        assert placed_order is not None
        stored = cloud.bus.dependencies.build(wiring_services.payments).ensure_intent(placed_order)
        assert stored.payment.intent_id is not None
        # Authorized at Stripe behind our back (as if the browser's payOrder request was lost).
        gateway = cloud.bus.dependencies.build(wiring.gateway)
        # A key per confirmation, as Stripe requires (one key reused on another intent is an idempotency_error).
        gateway.confirm_with_payment_method(stored.payment.intent_id, shop.card(AUTHORIZES), f"{order.id}:confirm")
        placed.append((order, stored.payment.intent_id))

    good: list[tuple[str, bytes, dict[str, str]]] = []
    bad: list[tuple[str, bytes, dict[str, str]]] = []
    for _, intent_id in placed:
        for kind in (
            "payment_intent.amount_capturable_updated",
            "payment_intent.payment_failed",
            "charge.refunded",
            "customer.created",
        ):
            body = json.dumps(intent_event(kind, intent_id)).encode()
            copies = rng.randint(1, 5)
            good += [(kind, body, {"stripe-signature": stripe_signature(body, secret, int(time.time()))})] * copies
        bad += _bad_requests(intent_id, secret, rng)
    deliveries = [(True, request) for request in good] + [(False, request) for request in bad]
    rng.shuffle(deliveries)

    def deliver(delivery: tuple[bool, tuple[str, bytes, dict[str, str]]]) -> tuple[bool, str, int]:
        is_good, (kind, body, headers) = delivery
        status = Shop(cloud).http.post("/webhooks/stripe", content=body, headers=headers).status_code
        return is_good, kind, status

    with ThreadPoolExecutor(max_workers=8) as pool:
        for is_good, kind, status in pool.map(deliver, deliveries):
            result.deliveries += 1
            result.statuses[str(status)] += 1
            if is_good and status != 200:
                result.violations.append(f"a genuine {kind} got {status}")
            if not is_good:
                result.bad_deliveries += 1
                if status != 400:
                    result.violations.append(f"a {kind} webhook got {status}, not 400")

    for order, intent_id in placed:
        final = shop.wait_until(order, *TERMINAL, timeout=120)
        if final.status is not OrderStatus.FULFILLED:
            result.violations.append(f"{order.id} ended {final.status}")
        executions = shop.executions_of(order)
        if executions != 1:
            result.violations.append(f"{order.id} ran {executions} sagas")
        intent = cloud.bus.dependencies.build(wiring.gateway).retrieve(intent_id)
        if (intent.status, intent.amount_received, intent.amount_refunded) != (PaymentStatus.SUCCEEDED, order.total, 0):
            result.violations.append(f"{order.id}: {intent.status} received {intent.amount_received}")
        captures = [e for e in cloud.repositories.events.list(order.id) if e.type == "PAYMENT_CAPTURED"]
        if len(captures) != 1:
            result.violations.append(f"{order.id} captured {len(captures)} times")
    result.seconds = time.monotonic() - started
    return result
