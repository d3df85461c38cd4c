from __future__ import annotations

import strawberry

from commerce.admin.rejection import RequestRejectedError
from commerce.admin.warehouses import DuplicateWarehouseError
from commerce.validation import IssueCode
from graphql_api.admin.permissions import ADMIN_ONLY
from graphql_api.admin.warehouse_types import CreateWarehouseInput, CreateWarehousePayload, Warehouse
from graphql_api.context import Context
from graphql_api.errors import UserError, user_errors

Info = strawberry.Info[Context, None]


@strawberry.type
class WarehouseMutation:
    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Add a warehouse. It takes part in allocation at once; stock it with adjustStock "
        "(expectedVersion 0 for a product it has never held). An id already taken is refused (WAREHOUSE_EXISTS).",
    )
    async def create_warehouse(self, info: Info, input: CreateWarehouseInput) -> CreateWarehousePayload:
        try:
            warehouse = await info.context.send(input.command())
        except RequestRejectedError as rejected:
            return CreateWarehousePayload(errors=user_errors(rejected.issues))
        except DuplicateWarehouseError:
            message = "is taken by another warehouse"
            return CreateWarehousePayload(
                errors=[UserError(field="id", message=message, code=IssueCode.WAREHOUSE_EXISTS)]
            )
        return CreateWarehousePayload(warehouse=Warehouse.of(warehouse))
