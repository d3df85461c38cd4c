"""Domain objects to and from DynamoDB items (plain Python values; the wire format is boto3's serializer's job)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, Location, Product, StockLevel, Warehouse
from commerce.money import Money
from commerce.order_status import OrderStatus
from commerce.orders import Address, CompensationRequest, Order, OrderLine, Payment, PaymentState, Shipment
from commerce.timeline import OrderEvent

Item = dict[str, Any]

LISTING_ACTIVE = "ACTIVE"
LISTING_INACTIVE = "INACTIVE"


def product_to_item(product: Product) -> Item:
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "price": product.price.amount,
        "currency": product.price.currency,
        "image_url": product.image_url,
        "active": product.active,
        "low_stock_threshold": product.low_stock_threshold,
        "version": product.version,
        "listing": LISTING_ACTIVE if product.active else LISTING_INACTIVE,
        "category_sku": f"{product.category}#{product.sku}",
    }


def product_from_item(item: Item) -> Product:
    return Product(
        id=item["id"],
        sku=item["sku"],
        name=item["name"],
        description=item["description"],
        category=item["category"],
        price=Money(int(item["price"]), item["currency"]),
        image_url=item["image_url"],
        active=bool(item["active"]),
        low_stock_threshold=int(item["low_stock_threshold"]),
        version=int(item.get("version", 0)),
    )


def warehouse_to_item(warehouse: Warehouse, partition: str) -> Item:
    return {
        "partition": partition,
        "id": warehouse.id,
        "name": warehouse.name,
        "region": warehouse.region,
        # DynamoDB numbers are decimals; str() keeps the float's shortest exact representation.
        "latitude": Decimal(str(warehouse.location.latitude)),
        "longitude": Decimal(str(warehouse.location.longitude)),
    }


def warehouse_from_item(item: Item) -> Warehouse:
    return Warehouse(
        id=item["id"],
        name=item["name"],
        region=item["region"],
        location=Location(float(item["latitude"]), float(item["longitude"])),
    )


def stock_to_item(level: StockLevel, low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD) -> Item:
    return {
        "product_id": level.product_id,
        "warehouse_id": level.warehouse_id,
        "available": level.available,
        "reserved": level.reserved,
        "shipped": level.shipped,
        "version": level.version,
        # Units above the product's low-stock threshold, so "which items are low" is a filter (headroom <= 0)
        # without the product at hand. A plain attribute, in no index: every change of `available` changes it by
        # the same amount in the same write, at no extra unit (DynamoStockLedger.low_stock says why no index).
        "headroom": level.available - low_stock_threshold,
        # A level split over shard items lists them here (commerce/stock_shards.py); unsplit items have neither.
        **({"shards": level.shards} if level.shards else {}),
        **({"split": level.split} if level.split else {}),
    }


def stock_from_item(item: Item) -> StockLevel:
    return StockLevel(
        product_id=item["product_id"],
        warehouse_id=item["warehouse_id"],
        available=int(item["available"]),
        reserved=int(item["reserved"]),
        shipped=int(item["shipped"]),
        version=int(item["version"]),
        shards=int(item.get("shards", 0)),
        split=int(item.get("split", 0)),
    )


def order_to_item(order: Order) -> Item:
    item: Item = {
        "id": order.id,
        "email": order.email,
        "status": order.status.value,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "version": order.version,
        "currency": order.currency,
        "subtotal": order.subtotal.amount,
        "shipping": order.shipping.amount,
        "total": order.total.amount,
        "lines": [
            {
                "product_id": line.product_id,
                "sku": line.sku,
                "name": line.name,
                "unit_price": line.unit_price.amount,
                "quantity": line.quantity,
            }
            for line in order.lines
        ],
        "shipping_address": _address_to_item(order.shipping_address),
        "payment": _without_none(
            {
                "intent_id": order.payment.intent_id,
                "status": order.payment.status.value,
                "authorized": order.payment.authorized,
                "captured": order.payment.captured,
                "refunded": order.payment.refunded,
                "failure_reason": order.payment.failure_reason,
                "last_failure_id": order.payment.last_failure_id,
                "authorized_at": order.payment.authorized_at,
            }
        ),
        "shipments": [
            {
                "id": shipment.id,
                "warehouse_id": shipment.warehouse_id,
                "carrier": shipment.carrier,
                "tracking_number": shipment.tracking_number,
                "estimated_delivery": shipment.estimated_delivery,
                "lines": [[product_id, quantity] for product_id, quantity in shipment.lines],
            }
            for shipment in order.shipments
        ],
        "access_token_hash": order.access_token_hash,
        "idempotency_key": order.idempotency_key,
    }
    if order.failure_reason is not None:
        item["failure_reason"] = order.failure_reason
    if order.held_until is not None:
        item["held_until"] = order.held_until
    if order.compensation is not None:
        item["compensation"] = _without_none(
            {
                "reason": order.compensation.reason,
                "cancel": order.compensation.cancel,
                "requested_by": order.compensation.requested_by,
                "failed_step": order.compensation.failed_step,
            }
        )
    return item


def order_from_item(item: Item) -> Order:
    currency = item["currency"]
    payment = item.get("payment", {})
    return Order(
        id=item["id"],
        email=item["email"],
        status=OrderStatus(item["status"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        version=int(item["version"]),
        subtotal=Money(int(item["subtotal"]), currency),
        shipping=Money(int(item["shipping"]), currency),
        total=Money(int(item["total"]), currency),
        lines=tuple(
            OrderLine(
                product_id=line["product_id"],
                sku=line["sku"],
                name=line["name"],
                unit_price=Money(int(line["unit_price"]), currency),
                quantity=int(line["quantity"]),
            )
            for line in item["lines"]
        ),
        shipping_address=Address(**item["shipping_address"]),
        payment=Payment(
            intent_id=payment.get("intent_id"),
            status=PaymentState(payment.get("status", PaymentState.NONE)),
            authorized=int(payment.get("authorized", 0)),
            captured=int(payment.get("captured", 0)),
            refunded=int(payment.get("refunded", 0)),
            failure_reason=payment.get("failure_reason"),
            last_failure_id=payment.get("last_failure_id"),
            authorized_at=payment.get("authorized_at"),
        ),
        shipments=tuple(
            Shipment(
                id=shipment["id"],
                warehouse_id=shipment["warehouse_id"],
                carrier=shipment["carrier"],
                tracking_number=shipment["tracking_number"],
                estimated_delivery=shipment["estimated_delivery"],
                lines=tuple((str(product_id), int(quantity)) for product_id, quantity in shipment["lines"]),
            )
            for shipment in item.get("shipments", [])
        ),
        access_token_hash=item["access_token_hash"],
        idempotency_key=item["idempotency_key"],
        failure_reason=item.get("failure_reason"),
        # Absent on orders written before orders carried it: their compensation reads it from the timeline.
        compensation=_compensation_from(item.get("compensation")),
        # Absent on orders written before payOrder held stock.
        held_until=item.get("held_until"),
    )


def _compensation_from(stored: Item | None) -> CompensationRequest | None:
    if stored is None:
        return None
    return CompensationRequest(
        reason=stored["reason"],
        cancel=bool(stored.get("cancel", False)),
        requested_by=stored.get("requested_by", "saga"),
        failed_step=stored.get("failed_step"),
    )


def event_to_item(event: OrderEvent) -> Item:
    return _without_none(
        {
            "order_id": event.order_id,
            "id": event.id,
            "at": event.at,
            "type": event.type,
            "message": event.message,
            "status": event.status,
            "step": event.step,
            "attempt": event.attempt,
            "detail": event.detail,
        }
    )


def event_from_item(item: Item) -> OrderEvent:
    attempt = item.get("attempt")
    return OrderEvent(
        order_id=item["order_id"],
        id=item["id"],
        at=item["at"],
        type=item["type"],
        message=item["message"],
        status=item.get("status"),
        step=item.get("step"),
        attempt=int(attempt) if attempt is not None else None,
        detail=_plain(item.get("detail", {})),
    )


def _address_to_item(address: Address) -> Item:
    return {
        "name": address.name,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
    }


def _without_none(item: Item) -> Item:
    return {key: value for key, value in item.items() if value is not None}


def _plain(value: Any) -> Any:
    """Decimals back to int/float, recursively: DynamoDB returns every number as Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value
