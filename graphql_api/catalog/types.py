from __future__ import annotations

from enum import Enum

import strawberry

from commerce import catalog
from commerce.money import Money as DomainMoney
from graphql_api.context import Context


@strawberry.type(description="An amount in integer minor units (cents) of an ISO-4217 currency.")
class Money:
    amount: int
    currency: str

    @classmethod
    def of(cls, money: DomainMoney) -> Money:
        return cls(amount=money.amount, currency=money.currency)


@strawberry.enum
class StockState(Enum):
    IN_STOCK = "IN_STOCK"
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


@strawberry.type(description="Units that can be ordered now, over all warehouses.")
class Availability:
    available: int
    state: StockState


@strawberry.type
class Product:
    id: strawberry.ID
    sku: str
    name: str
    description: str
    category: str
    price: Money
    image_url: str
    active: bool
    domain: strawberry.Private[catalog.Product]

    @classmethod
    def of(cls, product: catalog.Product) -> Product:
        return cls(
            id=strawberry.ID(product.id),
            sku=product.sku,
            name=product.name,
            description=product.description,
            category=product.category,
            price=Money.of(product.price),
            image_url=product.image_url,
            active=product.active,
            domain=product,
        )

    @strawberry.field
    async def availability(self, info: strawberry.Info[Context, None]) -> Availability:
        found = await info.context.loaders.availability.load(self.domain)
        return Availability(available=max(found.available, 0), state=StockState(found.state))
