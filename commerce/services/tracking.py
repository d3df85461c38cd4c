"""What a shopper may see of an order: only with its access token, and a wrong token looks like no order."""

from __future__ import annotations

from commerce.access import OrderAccessTokens
from commerce.orders import Order
from commerce.ports import OrderEventRepository, OrderRepository
from commerce.timeline import OrderEvent

MAX_EVENTS_PER_POLL = 100


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

    def timeline(self, order_id: str, *, after: str | None = None) -> list[OrderEvent]:
        return self.events.list(order_id, after=after, limit=MAX_EVENTS_PER_POLL)
