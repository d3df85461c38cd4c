"""What a shopper may see of an order: only with its access token, and a wrong token looks like no order."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.access import OrderAccessTokens
from commerce.orders import Order
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.shopper_words import event_for_shopper
from commerce.timeline import OrderEvent

MAX_EVENTS_PER_POLL = 100


@dataclass(frozen=True, slots=True)
class ShopperTimeline:
    events: list[OrderEvent]
    # The last event read, shown or not: a poll must move past a run of events the shopper is not shown,
    # or more than a page of them (a saga's retries) would stop the cursor for good.
    cursor: str | None


class OrderTracking:
    def __init__(self, *, orders: OrderRepository, events: OrderEventRepository, tokens: OrderAccessTokens) -> None:
        self.orders = orders
        self.events = events
        self.tokens = tokens

    def order_for_shopper(self, order_id: str, access_token: str | None) -> Order | None:
        order = self.orders.get(order_id)
        if order is None or not self.tokens.verify(order.access_token_hash, access_token):
            return None
        return order

    def timeline(self, order_id: str, *, after: str | None = None) -> ShopperTimeline:
        """The order's events after `after`, in the shopper's words (see commerce.shopper_words)."""
        read = self.events.list(order_id, after=after, limit=MAX_EVENTS_PER_POLL)
        shown = [worded for event in read if (worded := event_for_shopper(event)) is not None]
        return ShopperTimeline(shown, read[-1].id if read else after)
