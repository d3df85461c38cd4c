"""Cards for tests, turned into what the browser's Stripe.js makes of them: PaymentMethods (`createPaymentMethod`).

Only against a local Stripe: in production card numbers never reach our servers, and Stripe refuses raw card
numbers from most accounts' servers anyway (its test PaymentMethods such as `pm_card_visa` stand in for them there).
Legacy tokens (`card_token`) are kept only to show that they are refused as payment methods.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from infra.local.stripe_server import PUBLISHABLE_KEY

AUTHORIZES = "4242424242424242"
DECLINES = "4000000000000341"  # attaches, then the charge is declined
NEEDS_3D_SECURE = "4000000000003220"


def payment_method(api_base: str, number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> str:
    """A `pm_…` for the card, made as Stripe.js makes it: a form posted with the publishable key as a field."""
    card: dict[str, str | int] = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    return _created(api_base, "/v1/payment_methods", {"type": "card"}, card)


def card_token(api_base: str, number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> str:
    """A legacy `tok_…` (Stripe.js createToken), which Stripe refuses as a payment method."""
    card: dict[str, str | int] = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    return _created(api_base, "/v1/tokens", {}, card)


def _created(api_base: str, path: str, fields: dict[str, str], card: dict[str, str | int]) -> str:
    form = {"key": PUBLISHABLE_KEY, **fields, **{f"card[{name}]": str(value) for name, value in card.items()}}
    request = urllib.request.Request(  # noqa: S310 - the test's own local Stripe
        f"{api_base}{path}", data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        created_id: str = json.load(response)["id"]
    return created_id
