from __future__ import annotations

from dataclasses import dataclass

from commerce.errors import CurrencyMismatchError

# Stripe's minor units (https://docs.stripe.com/currencies, sections #zero-decimal, #three-decimal, #special-cases):
# amounts of these currencies are whole units...
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
# ...these count thousandths, and Stripe refuses an amount that does not end in 0...
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# ...and ISK, zero-decimal in fact, is sent as a two-decimal amount whose decimals must be 00.
_STEPS = {"ISK": 100} | dict.fromkeys(THREE_DECIMAL_CURRENCIES, 10)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units (cents) of an ISO-4217 currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"currency must be an upper-case ISO-4217 code, got {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def __add__(self, other: Money) -> Money:
        self._require_same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._require_same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def _require_same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)


def minor_unit_digits(currency: str) -> int:
    """How many digits of an amount are minor units, as Stripe counts them (stripe.com/docs/currencies)."""
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 3 if currency in THREE_DECIMAL_CURRENCIES else 2


def amount_step(currency: str) -> int:
    """The minor units every amount of `currency` must be a multiple of for Stripe to accept it."""
    return _STEPS.get(currency, 1)
