from __future__ import annotations

from commerce.money import Money

FLAT_SHIPPING_CENTS = 599
FREE_SHIPPING_FROM_CENTS = 5000


def shipping_for(subtotal: Money) -> Money:
    """Flat-rate shipping, free from a threshold: the store's published shipping policy."""
    if subtotal.amount >= FREE_SHIPPING_FROM_CENTS:
        return Money.zero(subtotal.currency)
    return Money(FLAT_SHIPPING_CENTS, subtotal.currency)
