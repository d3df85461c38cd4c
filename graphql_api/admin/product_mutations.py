from __future__ import annotations

import strawberry

from commerce.admin.rejection import RequestRejectedError
from commerce.catalog import Product
from commerce.commands import CreateProduct, SetProductActive, UpdateProduct
from commerce.errors import ProductNotFoundError
from commerce.validation import IssueCode
from graphql_api.admin.permissions import ADMIN_ONLY
from graphql_api.admin.product_types import AdminProduct, CreateProductInput, ProductPayload, UpdateProductInput
from graphql_api.context import Context
from graphql_api.errors import UserError, user_errors

Info = strawberry.Info[Context, None]


def _not_found() -> ProductPayload:
    return ProductPayload(errors=[UserError(field="id", message="no product with this id", code=IssueCode.NOT_FOUND)])


@strawberry.type
class ProductMutation:
    @strawberry.mutation(permission_classes=ADMIN_ONLY, description="Add a product to the catalog (active).")
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        try:
            product = await info.context.send(CreateProduct(input.changes()))
        except RequestRejectedError as rejected:
            return ProductPayload(errors=user_errors(rejected.issues))
        return ProductPayload(product=AdminProduct.of_product(product))

    @strawberry.mutation(permission_classes=ADMIN_ONLY, description="Change the fields given, leave the others.")
    async def update_product(self, info: Info, id: strawberry.ID, input: UpdateProductInput) -> ProductPayload:
        try:
            product = await info.context.send(UpdateProduct(str(id), input.changes()))
        except RequestRejectedError as rejected:
            return ProductPayload(errors=user_errors(rejected.issues))
        except ProductNotFoundError:
            return _not_found()
        return ProductPayload(product=AdminProduct.of_product(product))

    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Stop selling a product: it leaves the shop's listing and cannot be ordered; orders placed "
        "before keep showing it.",
    )
    async def deactivate_product(self, info: Info, id: strawberry.ID) -> ProductPayload:
        return await _set_active(info, str(id), active=False)

    @strawberry.mutation(permission_classes=ADMIN_ONLY, description="Sell a deactivated product again.")
    async def reactivate_product(self, info: Info, id: strawberry.ID) -> ProductPayload:
        return await _set_active(info, str(id), active=True)


async def _set_active(info: Info, product_id: str, *, active: bool) -> ProductPayload:
    try:
        product: Product = await info.context.send(SetProductActive(product_id, active))
    except ProductNotFoundError:
        return _not_found()
    return ProductPayload(product=AdminProduct.of_product(product))
