"""Domain errors. Each carries what its caller needs to explain or recover."""

from __future__ import annotations


class DomainError(Exception):
    """Base class of the failures the domain expects and names."""


class CurrencyMismatchError(DomainError):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"cannot combine {expected} with {got}")
        self.expected = expected
        self.got = got


class IllegalTransitionError(DomainError):
    def __init__(self, order_id: str, current: str, target: str) -> None:
        super().__init__(f"order {order_id} cannot go from {current} to {target}")
        self.order_id = order_id
        self.current = current
        self.target = target


class OrderNotFoundError(DomainError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} not found")
        self.order_id = order_id


class ProductNotFoundError(DomainError):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id} not found")
        self.product_id = product_id


class ConcurrentUpdateError(DomainError):
    """Someone else changed the record since it was read; re-read and try again."""

    def __init__(self, entity: str, key: str) -> None:
        super().__init__(f"{entity} {key} was changed concurrently")
        self.entity = entity
        self.key = key


class IdempotencyKeyReusedError(DomainError):
    """The key was used before for a different request."""

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} was already used for a different request")
        self.key = key


class OutOfStockError(DomainError):
    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"{sku}: {requested} requested, {available} available")
        self.sku = sku
        self.requested = requested
        self.available = available
