"""Placing an order: validate, price from the catalog, check availability, save once per idempotency key."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from commerce.access import OrderAccessTokens
from commerce.allocation import allocate
from commerce.catalog import Product, StockLevel
from commerce.clock import Clock, to_iso
from commerce.commands import PlaceOrder
from commerce.errors import OrderNotFoundError
from commerce.geo import locate
from commerce.idempotency import DuplicateRequestError, IdempotencyRecord, fingerprint
from commerce.metrics import Metric, Metrics, NoMetrics
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Address, Order, OrderLine
from commerce.ports import (
    IdempotencyRepository,
    InventoryRepository,
    OrderRepository,
    ProductRepository,
    WarehouseRepository,
)
from commerce.pricing import shipping_for
from commerce.reservations import TRANSACTION_LIMIT
from commerce.stock_shards import allocation_actions, hold_actions_bound
from commerce.timeline import OrderEvent, OrderEventKind
from commerce.validation import (
    IssueCode,
    OrderRejectedError,
    ValidationIssue,
    check_address,
    check_email,
    check_idempotency_key,
    check_line_shape,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_TTL = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    access_token: str
    replayed: bool


class OrderPlacement:
    def __init__(
        self,
        *,
        products: ProductRepository,
        inventory: InventoryRepository,
        warehouses: WarehouseRepository,
        orders: OrderRepository,
        idempotency: IdempotencyRepository,
        tokens: OrderAccessTokens,
        clock: Clock,
        metrics: Metrics | None = None,
    ) -> None:
        self.products = products
        self.inventory = inventory
        self.warehouses = warehouses
        self.orders = orders
        self.idempotency = idempotency
        self.tokens = tokens
        self.clock = clock
        self.metrics = metrics or NoMetrics()

    def place(self, command: PlaceOrder) -> PlacedOrder:
        """Raises OrderRejectedError with every problem found; replays the first result for a reused key."""
        command = _normalized(command)
        shape_issues = check_idempotency_key(command.idempotency_key)
        if shape_issues:
            raise OrderRejectedError(shape_issues)
        claim_key = f"placeOrder:{command.idempotency_key}"
        request_hash = fingerprint(command)
        # A replay must answer with the first result even if stock or prices have changed since.
        previous = self.idempotency.get(claim_key)
        if previous is not None:
            return self._replay(previous, request_hash)

        order = self._priced_order(command)
        now = self.clock()
        claim = IdempotencyRecord(
            key=claim_key,
            request_hash=request_hash,
            result_id=order.id,
            expires_at=int((now + IDEMPOTENCY_TTL).timestamp()),
        )
        event = OrderEvent.new(
            order.id, now, OrderEventKind.ORDER_PLACED, "Order placed, awaiting payment", status=order.status.value
        )
        try:
            self.orders.create(order, event, claim)
        except DuplicateRequestError as duplicate:  # the same key raced us between our read and our write
            return self._replay(duplicate.existing, request_hash)
        logger.info("order placed", extra={"order_id": order.id, "total": order.total.amount})
        self.metrics.record(Metric.ORDERS_PLACED)
        return PlacedOrder(order, self.tokens.issue(order.id), replayed=False)

    def _replay(self, previous: IdempotencyRecord, request_hash: str) -> PlacedOrder:
        if previous.request_hash != request_hash:
            message = "this idempotency key was already used for a different order; generate a new key"
            raise OrderRejectedError([ValidationIssue("idempotencyKey", IssueCode.IDEMPOTENCY_KEY_REUSED, message)])
        order = self.orders.get(previous.result_id)
        if order is None:
            raise OrderNotFoundError(previous.result_id)
        return PlacedOrder(order, self.tokens.issue(order.id), replayed=True)

    def _priced_order(self, command: PlaceOrder) -> Order:
        issues = check_email(command.email) + check_address(command.shipping_address)
        issues += check_line_shape(command.lines)
        if issues:
            raise OrderRejectedError(issues)

        catalog = self.products.get_many(product_id for product_id, _ in command.lines)
        issues = _catalog_issues(command.lines, catalog)
        if not issues:
            levels = self.inventory.levels_for_many(product_id for product_id, _ in command.lines)
            issues = _availability_issues(command.lines, catalog, levels)
            if not issues:
                issues = self._holding_issues(command, levels)
        if issues:
            raise OrderRejectedError(issues)

        lines = tuple(
            OrderLine(
                product_id=product_id,
                sku=catalog[product_id].sku,
                name=catalog[product_id].name,
                unit_price=catalog[product_id].price,
                quantity=quantity,
            )
            for product_id, quantity in command.lines
        )
        subtotal = sum((line.total for line in lines), start=Money.zero(lines[0].unit_price.currency))
        shipping = shipping_for(subtotal)
        order_id = f"ord_{secrets.token_hex(10)}"
        now = to_iso(self.clock())
        return Order(
            id=order_id,
            email=command.email,
            lines=lines,
            shipping_address=command.shipping_address,
            subtotal=subtotal,
            shipping=shipping,
            total=subtotal + shipping,
            status=OrderStatus.PENDING_PAYMENT,
            access_token_hash=self.tokens.hash_of(self.tokens.issue(order_id)),
            idempotency_key=command.idempotency_key,
            created_at=now,
            updated_at=now,
        )

    def _holding_issues(self, command: PlaceOrder, levels: dict[str, list[StockLevel]]) -> list[ValidationIssue]:
        """Refuse now an order the reservation could not write in one transaction, rather than after payment.

        A line needs one action per warehouse it is taken from, so it needs at most as many as its units and as
        the warehouses holding its product; only when those bounds allow too many is the allocation worked out
        (as the reservation will, from today's stock), which costs a read of the warehouses.
        """
        if hold_actions_bound(command.lines, levels) <= TRANSACTION_LIMIT:
            return []
        allocation = allocate(command.lines, levels, self.warehouses.all(), locate(command.shipping_address))
        if allocation_actions(allocation, levels) <= TRANSACTION_LIMIT:
            return []
        message = (
            f"this order would be shipped as {len(allocation)} stock items from several warehouses, more than can be "
            f"held at once ({TRANSACTION_LIMIT - 1}); please split it into smaller orders"
        )
        return [ValidationIssue("lines", IssueCode.TOO_MANY_LINES, message)]


def _availability_issues(
    lines: list[tuple[str, int]], catalog: dict[str, Product], levels: dict[str, list[StockLevel]]
) -> list[ValidationIssue]:
    issues = []
    for index, (product_id, quantity) in enumerate(lines):
        available = sum(level.available for level in levels.get(product_id, []))
        if quantity > available:
            message = f"only {available} of {catalog[product_id].name} available"
            issues.append(ValidationIssue(f"lines.{index}.quantity", IssueCode.INSUFFICIENT_STOCK, message))
    return issues


def _catalog_issues(lines: list[tuple[str, int]], catalog: dict[str, Product]) -> list[ValidationIssue]:
    issues = []
    currencies: set[str] = set()
    for index, (product_id, _) in enumerate(lines):
        product = catalog.get(product_id)
        if product is None:
            issues.append(ValidationIssue(f"lines.{index}.productId", IssueCode.PRODUCT_NOT_FOUND, "no such product"))
        elif not product.active:
            message = f"{product.name} is no longer sold"
            issues.append(ValidationIssue(f"lines.{index}.productId", IssueCode.PRODUCT_INACTIVE, message))
        else:
            currencies.add(product.price.currency)
    if len(currencies) > 1:
        message = "all products of one order must be priced in the same currency"
        issues.append(ValidationIssue("lines", IssueCode.CURRENCY_MISMATCH, message))
    return issues


def _normalized(command: PlaceOrder) -> PlaceOrder:
    address = command.shipping_address
    return replace(
        command,
        email=command.email.strip().lower(),
        shipping_address=Address(
            name=address.name.strip(),
            line1=address.line1.strip(),
            line2=address.line2.strip(),
            city=address.city.strip(),
            region=address.region.strip(),
            postal_code=address.postal_code.strip().upper(),
            country=address.country.strip().upper(),
        ),
    )
