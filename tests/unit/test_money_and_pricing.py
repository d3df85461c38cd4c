from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.errors import CurrencyMismatchError
from commerce.money import Money
from commerce.pricing import FLAT_SHIPPING_CENTS, FREE_SHIPPING_FROM_CENTS, shipping_for

cents = st.integers(min_value=0, max_value=10**9)


@given(cents, cents)
def test_adding_then_subtracting_returns_the_original_amount(a: int, b: int) -> None:
    assert (Money(a, "USD") + Money(b, "USD")) - Money(b, "USD") == Money(a, "USD")


def test_amounts_in_different_currencies_cannot_be_added() -> None:
    with pytest.raises(CurrencyMismatchError):
        Money(100, "USD") + Money(100, "EUR")


@pytest.mark.parametrize("code", ["usd", "US", "EURO", "12A"])
def test_a_currency_must_be_an_upper_case_iso_code(code: str) -> None:
    with pytest.raises(ValueError, match="ISO-4217"):
        Money(1, code)


def test_shipping_is_flat_below_the_threshold_and_free_from_it() -> None:
    assert shipping_for(Money(FREE_SHIPPING_FROM_CENTS - 1, "USD")) == Money(FLAT_SHIPPING_CENTS, "USD")
    assert shipping_for(Money(FREE_SHIPPING_FROM_CENTS, "USD")) == Money(0, "USD")
