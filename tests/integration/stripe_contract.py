"""The stand-ins of Stripe the project has, for the contract suite (test_stripe_contract.py) to run against each.

A stand-in is reached as the product reaches Stripe: through the stripe SDK with the secret key, and for cards
through what Stripe.js does in the browser with the publishable key. Today there is one, localstripe patched in
its own process (infra/local/stripe_server.py). Another, e.g. an in-memory fake answering through an SDK
`http_client`, joins by adding a context manager to STAND_INS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import stripe

from infra.local.ports import free_port
from infra.local.stripe_server import SECRET_KEY, start_localstripe
from tests.integration.stripe_cards import card_token, payment_method


@dataclass(frozen=True)
class StripeStandIn:
    client: stripe.StripeClient  # with the secret key and no retries: each call is one request
    payment_method: Callable[[str], str]  # a card number → pm_…, as Stripe.js createPaymentMethod makes it
    card_token: Callable[[str], str]  # a card number → tok_…, as Stripe.js createToken makes it


@contextmanager
def patched_localstripe() -> Iterator[StripeStandIn]:
    server = start_localstripe(free_port())
    try:
        client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": server.api_base}, max_network_retries=0)
        yield StripeStandIn(
            client=client,
            payment_method=lambda number: payment_method(server.api_base, number),
            card_token=lambda number: card_token(server.api_base, number),
        )
    finally:
        server.stop()


STAND_INS: dict[str, Callable[[], AbstractContextManager[StripeStandIn]]] = {
    "patched localstripe": patched_localstripe,
}
