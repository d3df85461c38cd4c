"""Admin mutations that split a hot product's stock over shard items and merge it back (commerce/admin/shards.py)."""

from __future__ import annotations

import strawberry

from commerce import catalog
from commerce.admin.stock import WarehouseNotFoundError
from commerce.commands import MergeStock, SplitStock
from commerce.errors import ConcurrentUpdateError, ProductNotFoundError
from commerce.stock_shards import (
    DEFAULT_HOT_SHARDS,
    MAX_SHARDS,
    MIN_SHARDS,
    ShardCountError,
    StockNotStockedError,
    StockSplitError,
)
from commerce.validation import IssueCode
from graphql_api.admin.permissions import ADMIN_ONLY, admin_of
from graphql_api.admin.stock_types import MergeStockPayload, SplitStockPayload, StockLevel
from graphql_api.context import Context, run_sync
from graphql_api.errors import UserError

Info = strawberry.Info[Context, None]


@strawberry.type
class StockShardMutation:
    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Split a product's stock in one warehouse over `shards` items (2 to 32) on partitions of their "
        f"own, for a sale one item could not take (~250 orders a second). Available units move to the shards; "
        "reserved and shipped ones stay counted; views show the sums. Idempotent: the same split again changes "
        f"nothing. {DEFAULT_HOT_SHARDS} shards unless told otherwise.",
    )
    async def split_stock(
        self, info: Info, product_id: strawberry.ID, warehouse_id: strawberry.ID, shards: int = DEFAULT_HOT_SHARDS
    ) -> SplitStockPayload:
        command = SplitStock(str(product_id), str(warehouse_id), by=admin_of(info).username, shards=shards)
        try:
            level = await info.context.send(command)
        except ShardCountError:
            message = f"must be between {MIN_SHARDS} and {MAX_SHARDS}"
            return SplitStockPayload(errors=[UserError(field="shards", message=message, code=IssueCode.INVALID)])
        except (
            StockSplitError,
            ProductNotFoundError,
            WarehouseNotFoundError,
            StockNotStockedError,
            ConcurrentUpdateError,
        ) as exc:
            return SplitStockPayload(errors=[stock_error(exc)])
        return SplitStockPayload(level=await _level_of(info, level))

    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Merge stock split by splitStock back into one item, all units (available, reserved, shipped) "
        "folded back. Idempotent: stock not split is answered as it is.",
    )
    async def merge_stock(
        self, info: Info, product_id: strawberry.ID, warehouse_id: strawberry.ID
    ) -> MergeStockPayload:
        command = MergeStock(str(product_id), str(warehouse_id), by=admin_of(info).username)
        try:
            level = await info.context.send(command)
        except (ProductNotFoundError, WarehouseNotFoundError, StockNotStockedError, ConcurrentUpdateError) as exc:
            return MergeStockPayload(errors=[stock_error(exc)])
        return MergeStockPayload(level=await _level_of(info, level))


async def _level_of(info: Info, level: catalog.StockLevel) -> StockLevel:
    product = await run_sync(info.context.read.products.get, level.product_id)
    return StockLevel.of(level, product.low_stock_threshold if product else 0)


def stock_error(exc: Exception) -> UserError:
    if isinstance(exc, ProductNotFoundError):
        return UserError(field="productId", message="no product with this id", code=IssueCode.PRODUCT_NOT_FOUND)
    if isinstance(exc, WarehouseNotFoundError):
        return UserError(field="warehouseId", message="no warehouse with this id", code=IssueCode.WAREHOUSE_NOT_FOUND)
    if isinstance(exc, StockNotStockedError):
        message = "the product was never stocked in this warehouse: stock it first"
        return UserError(field="warehouseId", message=message, code=IssueCode.NOT_STOCKED)
    if isinstance(exc, StockSplitError):
        message = f"the stock is split over {exc.shards} shards for a hot sale: merge it first (mergeStock)"
        return UserError(field="warehouseId", message=message, code=IssueCode.STOCK_SPLIT)
    message = "orders kept taking this stock meanwhile: try again when the rush is over"
    return UserError(field=None, message=message, code=IssueCode.VERSION_CONFLICT)
