from __future__ import annotations

from dataclasses import replace

import strawberry

from commerce import catalog
from commerce.admin.products import ProductChanges
from graphql_api.catalog.types import Product
from graphql_api.errors import UserError


@strawberry.type(description="A product with what only admins see and edit.")
class AdminProduct(Product):
    low_stock_threshold: int = 0
    version: int = strawberry.field(default=0, description="Bumped by every edit.")

    @classmethod
    def of_product(cls, product: catalog.Product) -> AdminProduct:
        built = cls.of(product)  # Product.of builds the class it is called on
        assert isinstance(built, AdminProduct)
        return replace(built, low_stock_threshold=product.low_stock_threshold, version=product.version)


@strawberry.input
class MoneyInput:
    amount: int = strawberry.field(description="Integer minor units (cents).")
    currency: str = strawberry.field(description="ISO-4217, upper case, e.g. USD.")


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    category: str
    price: MoneyInput
    description: str = ""
    image_url: str = ""
    low_stock_threshold: int | None = strawberry.field(default=None, description="Defaults to 5 units.")

    def changes(self) -> ProductChanges:
        return ProductChanges(
            sku=self.sku,
            name=self.name,
            description=self.description,
            category=self.category,
            price=self.price.amount,
            currency=self.price.currency,
            image_url=self.image_url,
            low_stock_threshold=self.low_stock_threshold,
        )


@strawberry.input(description="Only the fields given change; edits by other admins to other fields are kept.")
class UpdateProductInput:
    sku: str | None = None
    name: str | None = None
    description: str | None = None
    category: str | None = None
    price: MoneyInput | None = None
    image_url: str | None = None
    low_stock_threshold: int | None = None

    def changes(self) -> ProductChanges:
        return ProductChanges(
            sku=self.sku,
            name=self.name,
            description=self.description,
            category=self.category,
            price=self.price.amount if self.price else None,
            currency=self.price.currency if self.price else None,
            image_url=self.image_url,
            low_stock_threshold=self.low_stock_threshold,
        )


@strawberry.type
class ProductPayload:
    product: AdminProduct | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
