from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce.errors import CurrencyMismatchError
from commerce.money import THREE_DECIMAL_CURRENCIES, ZERO_DECIMAL_CURRENCIES, Money, amount_step
from commerce.pricing import DEFAULT_RATE, shipping_for, shipping_rate

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


@pytest.mark.parametrize("currency", ["USD", "JPY", "BHD", "ISK"])
def test_shipping_is_flat_below_the_threshold_and_free_from_it(currency: str) -> None:
    rate = shipping_rate(currency)
    assert shipping_for(Money(rate.free_from - 1, currency)) == Money(rate.flat, currency)
    assert shipping_for(Money(rate.free_from, currency)) == Money(0, currency)


def test_two_decimal_currencies_pay_the_default_rate() -> None:
    assert shipping_for(Money(100, "EUR")) == Money(DEFAULT_RATE.flat, "EUR")


@pytest.mark.parametrize("currency", sorted(ZERO_DECIMAL_CURRENCIES | THREE_DECIMAL_CURRENCIES | {"ISK"}))
def test_every_currency_without_hundredths_has_its_own_rate_that_stripe_accepts(currency: str) -> None:
    rate = shipping_rate(currency)
    assert rate != DEFAULT_RATE
    assert rate.flat % amount_step(currency) == 0
    assert rate.free_from % amount_step(currency) == 0
    assert 0 < rate.flat < rate.free_from


@pytest.mark.parametrize(("currency", "step"), [("USD", 1), ("JPY", 1), ("KWD", 10), ("TND", 10), ("ISK", 100)])
def test_stripe_takes_three_decimal_amounts_in_tens_and_krona_in_hundreds(currency: str, step: int) -> None:
    assert amount_step(currency) == step
