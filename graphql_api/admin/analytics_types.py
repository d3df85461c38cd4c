from __future__ import annotations

from datetime import date

import strawberry

from commerce.admin.report import AnalyticsReport
from commerce.money import Money as DomainMoney
from commerce.order_status import OrderStatus
from graphql_api.admin.product_types import AdminProduct
from graphql_api.catalog.types import Money
from graphql_api.context import Context, run_sync

MAX_TOP_PRODUCTS = 50


@strawberry.type
class StatusCount:
    status: OrderStatus
    count: int


@strawberry.type(description="Money that moved in the period, by the day it moved.")
class CurrencyRevenue:
    currency: str
    captured: Money
    refunded: Money
    gross: Money = strawberry.field(description="Captured minus refunded.")


@strawberry.type(description="From payment authorization to hand-off to the carrier, for orders shipped in the period.")
class ShippingTimes:
    shipments: int
    average_seconds: float | None
    p95_seconds: float | None = strawberry.field(
        description="95th percentile, from a histogram whose buckets grow by 10%: exact to within 10%."
    )


@strawberry.type
class ProductUnits:
    product_id: strawberry.ID
    sku: str | None
    name: str | None
    units: int = strawberry.field(description="Units shipped in the period.")


@strawberry.type(description="An item at or below its product's low-stock threshold, now.")
class LowStockItem:
    product: AdminProduct
    warehouse_id: strawberry.ID
    available: int
    threshold: int


@strawberry.type(
    description="Figures for the period (UTC days, both ends included), kept as per-day counters. Order counts and "
    "rates are about the orders placed in the period; money, shipments and units about what happened in it."
)
class Analytics:
    from_: date = strawberry.field(name="from")
    to: date
    orders_placed: int
    orders_by_status: list[StatusCount] = strawberry.field(
        description="Of the orders placed in the period, how many are in each status now."
    )
    revenue: list[CurrencyRevenue]
    payment_to_shipment: ShippingTimes
    failures: int = strawberry.field(description="Orders placed in the period that failed and were compensated.")
    failure_rate: float
    compensations: int = strawberry.field(
        description="Orders placed in the period whose fulfilment was undone (a failed saga or an admin's "
        "cancellation after payment)."
    )
    compensation_rate: float
    report: strawberry.Private[AnalyticsReport]

    @classmethod
    def of(cls, report: AnalyticsReport) -> Analytics:
        return cls(
            from_=report.first_day,
            to=report.last_day,
            orders_placed=report.placed,
            orders_by_status=[StatusCount(status=status, count=count) for status, count in report.by_status.items()],
            revenue=[
                CurrencyRevenue(
                    currency=revenue.currency,
                    captured=Money.of(DomainMoney(revenue.captured, revenue.currency)),
                    refunded=Money.of(DomainMoney(revenue.refunded, revenue.currency)),
                    gross=Money.of(DomainMoney(revenue.gross, revenue.currency)),
                )
                for revenue in report.revenue
            ],
            payment_to_shipment=ShippingTimes(
                shipments=report.shipments,
                average_seconds=report.average_seconds_to_ship,
                p95_seconds=report.p95_seconds_to_ship,
            ),
            failures=report.failures,
            failure_rate=report.failure_rate,
            compensations=report.compensations,
            compensation_rate=report.compensation_rate,
            report=report,
        )

    @strawberry.field(description="Products by units shipped in the period, most first.")
    async def top_products(self, info: strawberry.Info[Context, None], limit: int = 10) -> list[ProductUnits]:
        top = self.report.top_products(max(0, min(limit, MAX_TOP_PRODUCTS)))
        products = await run_sync(info.context.read.products.get_many, [pid for pid, _ in top])
        return [
            ProductUnits(
                product_id=strawberry.ID(product_id),
                sku=products[product_id].sku if product_id in products else None,
                name=products[product_id].name if product_id in products else None,
                units=units,
            )
            for product_id, units in top
        ]

    @strawberry.field(description="Items low on stock now (not about the period), read from the stock table.")
    async def low_stock(self, info: strawberry.Info[Context, None]) -> list[LowStockItem]:
        found = await run_sync(info.context.read.stock.low_stock)
        return [
            LowStockItem(
                product=AdminProduct.of_product(item.product),
                warehouse_id=strawberry.ID(item.level.warehouse_id),
                available=item.level.available,
                threshold=item.product.low_stock_threshold,
            )
            for item in found
        ]
