"""Card tokens for tests, made the way the browser's Stripe.js `createToken` makes them.

Only against localstripe: in production card numbers never reach our servers, and Stripe refuses raw card
numbers from most accounts' servers anyway (its test tokens such as `tok_visa` stand in for them there).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import stripe
from stripe.params import TokenCreateParams

from infra.local.stripe_server import PUBLISHABLE_KEY

AUTHORIZES = "4242424242424242"
DECLINES = "4000000000000341"  # attaches, then the charge is declined
NEEDS_3D_SECURE = "4000000000003220"


def card_token(
    client_or_api_base: stripe.StripeClient | str,
    number: str,
    exp_month: int = 12,
    exp_year: int = 2030,
    cvc: str = "123",
) -> str:
    """A `tok_…` for the card: via the SDK with a client's secret key, or as Stripe.js does with the publishable key."""
    if isinstance(client_or_api_base, stripe.StripeClient):
        params: TokenCreateParams = {
            "card": {"number": number, "exp_month": str(exp_month), "exp_year": str(exp_year), "cvc": cvc}
        }
        return client_or_api_base.v1.tokens.create(params=params).id
    card = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    # Stripe.js posts a form with the publishable key as a field, not as an Authorization header.
    form = {"key": PUBLISHABLE_KEY, **{f"card[{name}]": str(value) for name, value in card.items()}}
    request = urllib.request.Request(  # noqa: S310 - the test's own localstripe
        f"{client_or_api_base}/v1/tokens", data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        token_id: str = json.load(response)["id"]
    return token_id
