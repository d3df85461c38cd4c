from __future__ import annotations

import strawberry

from commerce import catalog
from commerce.admin import stock
from graphql_api.errors import UserError
from graphql_api.scalars import DateTime

strawberry.enum(
    stock.StockChangeKind,
    description="What an entry of the stock audit trail records: an adjustment of available units (adjustStock), or "
    "the stock split over shard items (splitStock) or merged back (mergeStock).",
)


@strawberry.type(
    description="One product's stock in one warehouse. Send `version` back as adjustStock's expectedVersion."
)
class StockLevel:
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    available: int = strawberry.field(description="Units that can be sold now.")
    reserved: int = strawberry.field(description="Units held for orders not yet shipped.")
    shipped: int
    version: int
    low_stock: bool = strawberry.field(description="Available units at or below the product's low-stock threshold.")
    shards: int = strawberry.field(
        description="Shard items the stock is split over for a hot sale (splitStock), 0 when it is one item. The "
        "units above are the sums over them."
    )

    @classmethod
    def of(cls, level: catalog.StockLevel, low_stock_threshold: int) -> StockLevel:
        return cls(
            product_id=strawberry.ID(level.product_id),
            warehouse_id=strawberry.ID(level.warehouse_id),
            available=level.available,
            reserved=level.reserved,
            shipped=level.shipped,
            version=level.version,
            low_stock=level.is_low(low_stock_threshold),
            shards=level.shards,
        )


@strawberry.type(
    description="One admin change of a product's stock in a warehouse: the audit trail. An ADJUSTMENT changes the "
    "available units; a SPLIT or MERGE moves units between shard items and changes no total: its `before` and "
    "`after` are both the units available at the time (delta 0)."
)
class StockAdjustment:
    id: strawberry.ID
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    at: DateTime
    by: str = strawberry.field(description="The admin who made it (their login).")
    before: int
    after: int
    delta: int
    version: int = strawberry.field(description="The stock level's version after this change.")
    note: str
    kind: stock.StockChangeKind = strawberry.field(
        default=stock.StockChangeKind.ADJUSTMENT, description="An adjustment, a split or a merge."
    )
    shards_before: int | None = strawberry.field(
        default=None, description="SPLIT and MERGE: shard items before the change (0: one item). Null otherwise."
    )
    shards_after: int | None = strawberry.field(
        default=None, description="SPLIT and MERGE: shard items after the change (0: one item). Null otherwise."
    )
    reserved: int | None = strawberry.field(
        default=None,
        description="SPLIT and MERGE: units reserved at the time, summed over the items (they stay reserved). "
        "Null otherwise.",
    )

    @classmethod
    def of(cls, adjustment: stock.StockAdjustment) -> StockAdjustment:
        resharding = adjustment.kind is not stock.StockChangeKind.ADJUSTMENT
        return cls(
            id=strawberry.ID(adjustment.id),
            product_id=strawberry.ID(adjustment.product_id),
            warehouse_id=strawberry.ID(adjustment.warehouse_id),
            at=DateTime(adjustment.at),
            by=adjustment.by,
            before=adjustment.before,
            after=adjustment.after,
            delta=adjustment.delta,
            version=adjustment.version,
            note=adjustment.note,
            kind=adjustment.kind,
            shards_before=adjustment.shards_before if resharding else None,
            shards_after=adjustment.shards_after if resharding else None,
            reserved=adjustment.reserved if resharding else None,
        )


@strawberry.input(description="Set the available units (quantity) or change them (delta): exactly one of the two.")
class AdjustStockInput:
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    expected_version: int = strawberry.field(
        description="The version you last read; if the stock changed since, nothing is written (VERSION_CONFLICT)."
    )
    quantity: int | None = None
    delta: int | None = None
    note: str = ""
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A fresh value per change, the same when retrying it: a retry of a change that was applied "
        "answers with that change instead of VERSION_CONFLICT, and nothing is applied twice.",
    )


@strawberry.type
class AdjustStockPayload:
    level: StockLevel | None = None
    adjustment: StockAdjustment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SplitStockPayload:
    level: StockLevel | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MergeStockPayload:
    level: StockLevel | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
