"""The store's shipping policy: a flat rate, free from a threshold, set per currency in its own minor units."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.money import Money


@dataclass(frozen=True, slots=True)
class ShippingRate:
    flat: int
    free_from: int


DEFAULT_RATE = ShippingRate(flat=599, free_from=5000)

# 599 minor units is $5.99 but ¥599 (about $4) or 0.599 BHD (which Stripe refuses: three-decimal amounts must end
# in 0), so every currency whose minor unit is not a hundredth has its own row: about $6, free from about $50,
# rounded as a shopper there expects and to a multiple of money.amount_step. Other currencies use DEFAULT_RATE.
_RATES: dict[str, ShippingRate] = {
    # zero-decimal
    "BIF": ShippingRate(17_500, 145_000),
    "CLP": ShippingRate(5_500, 47_000),
    "DJF": ShippingRate(1_050, 8_900),
    "GNF": ShippingRate(52_000, 430_000),
    "JPY": ShippingRate(900, 7_500),
    "KMF": ShippingRate(2_700, 22_500),
    "KRW": ShippingRate(8_000, 68_000),
    "MGA": ShippingRate(27_000, 225_000),
    "PYG": ShippingRate(45_000, 380_000),
    "RWF": ShippingRate(8_000, 68_000),
    "UGX": ShippingRate(22_000, 185_000),
    "VND": ShippingRate(150_000, 1_250_000),
    "VUV": ShippingRate(700, 6_000),
    "XAF": ShippingRate(3_600, 30_000),
    "XOF": ShippingRate(3_600, 30_000),
    "XPF": ShippingRate(650, 5_500),
    # three-decimal (thousandths)
    "BHD": ShippingRate(2_250, 19_000),
    "JOD": ShippingRate(4_250, 35_000),
    "KWD": ShippingRate(1_850, 15_500),
    "OMR": ShippingRate(2_300, 19_500),
    "TND": ShippingRate(18_500, 155_000),
    # two-decimal amounts of a zero-decimal currency
    "ISK": ShippingRate(85_000, 700_000),
}


def shipping_rate(currency: str) -> ShippingRate:
    return _RATES.get(currency, DEFAULT_RATE)


def shipping_for(subtotal: Money) -> Money:
    """Flat-rate shipping, free from a threshold: the store's published shipping policy."""
    rate = shipping_rate(subtotal.currency)
    if subtotal.amount >= rate.free_from:
        return Money.zero(subtotal.currency)
    return Money(rate.flat, subtotal.currency)
