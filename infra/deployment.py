"""The one description of the deployment, read by the Pulumi program and by the local cloud alike.

Tables (keys, indexes, TTL), functions (handler strings as Lambda knows them), state machines,
bus rules and schedules live here once, so what runs on a laptop and what `pulumi up` creates cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from commerce.events import (
    SOURCE,
    CompensationRequested,
    OrderStatusChanged,
    PaymentAuthorized,
    PaymentCanceled,
    PaymentFailed,
    PaymentRefunded,
)
from commerce.secrets import ADMIN_USERS, APP_KEYS, EDGE, STRIPE
from commerce.settings import TableNames
from sagas.fulfillment import STEP_TIMEOUT_SECONDS

AttributeType = Literal["S", "N"]
# What an index entry holds besides the keys: everything, or only the table's and the index's keys.
Projection = Literal["ALL", "KEYS_ONLY"]


@dataclass(frozen=True)
class Key:
    name: str
    type: AttributeType = "S"


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: Key
    range_key: Key | None = None
    projection: Projection = "ALL"


@dataclass(frozen=True)
class Table:
    name: str  # logical name; the physical one reaches code through TableNames.env_var(name)
    hash_key: Key
    range_key: Key | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None

    @property
    def env_var(self) -> str:
        return TableNames.env_var(self.name)

    def attribute_definitions(self) -> list[Key]:
        keys = [self.hash_key, self.range_key]
        for index in self.indexes:
            keys += [index.hash_key, index.range_key]
        unique: dict[str, Key] = {}
        for key in keys:
            if key is not None:
                unique.setdefault(key.name, key)
        return list(unique.values())


# The DynamoDB actions a function is granted on a table, by name (Scan is described apart: `Function.scans`).
DynamoAction = Literal["GetItem", "BatchGetItem", "Query", "ConditionCheckItem", "PutItem", "UpdateItem", "DeleteItem"]


@dataclass(frozen=True)
class TableUse:
    """What a function does to one table: its actions on the table's items, and the indexes it queries."""

    actions: frozenset[DynamoAction]
    indexes: tuple[str, ...] = ()

    def __or__(self, other: TableUse) -> TableUse:
        return TableUse(self.actions | other.actions, tuple(sorted({*self.indexes, *other.indexes})))


def uses(*actions: DynamoAction, indexes: tuple[str, ...] = ()) -> TableUse:
    return TableUse(frozenset(actions), indexes)


TableUses = dict[str, TableUse]


def merged(*parts: TableUses) -> TableUses:
    """The table uses of several code paths together: per table, the union of their actions and indexes."""
    result: TableUses = {}
    for part in parts:
        for name, use in part.items():
            result[name] = result[name] | use if name in result else use
    return result


# Every function logs JSON; Lambda passes on the application's INFO and up, and of its own lines only WARN and up:
# at INFO it would add START and REPORT to every invocation ("Log-level filtering", Lambda developer guide),
# ~0.4 KB of ingestion each, while duration and memory reach CloudWatch as metrics anyway.
LAMBDA_LOGGING = {"log_format": "JSON", "application_log_level": "INFO", "system_log_level": "WARN"}


@dataclass(frozen=True)
class Function:
    name: str
    handler: str  # "module.function", exactly what Lambda is configured with
    description: str
    # Table → the actions its code paths take there; derived from the handlers' paths through commerce/ and checked
    # against the local cloud's record of every call (tests/integration/test_iam_grants_used.py).
    tables: TableUses = field(default_factory=dict)
    scans: tuple[str, ...] = ()  # tables of `tables` it reads whole (Scan): granted there only
    memory_mb: int = 512
    timeout_s: int = 15
    reserved_concurrency: int | None = None
    publishes_events: bool = False
    starts_workflows: bool = False
    uses_stripe: bool = False
    sends_email: bool = False
    secrets: tuple[str, ...] = ()  # besides "stripe", which `uses_stripe` brings
    # Published versions resumed from a snapshot of their init (SnapStart) and invoked through an alias: for a
    # function a person waits on, whose init is large (the API builds its GraphQL schema there).
    snap_start: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: dict[str, Any]
    target_function: str | None = None
    target_state_machine: str | None = None


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str  # EventBridge schedule expression, e.g. "rate(5 minutes)"
    target_function: str


@dataclass(frozen=True)
class Secret:
    name: str  # logical; its id reaches code through `env_var`
    env_var: str
    description: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Deployment:
    tables: tuple[Table, ...]
    functions: tuple[Function, ...] = ()
    rules: tuple[Rule, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    secrets: tuple[Secret, ...] = ()
    bus_name: str = "orders"

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)

    def function(self, name: str) -> Function:
        return next(function for function in self.functions if function.name == name)

    def secret(self, name: str) -> Secret:
        return next(secret for secret in self.secrets if secret.name == name)

    def secrets_of(self, function: Function) -> tuple[Secret, ...]:
        names = set(function.secrets) | ({"stripe"} if function.uses_stripe else set())
        return tuple(secret for secret in self.secrets if secret.name in names)


_S = Key

TABLES = (
    Table(
        "products",
        hash_key=_S("id"),
        # Shoppers page ACTIVE products, admins both listings; category filter is begins_with on the sort key.
        indexes=(Index("catalog", hash_key=_S("listing"), range_key=_S("category_sku")),),
    ),
    # Few warehouses: one partition keeps "list all warehouses" a Query, never a Scan.
    Table("warehouses", hash_key=_S("partition"), range_key=_S("id")),
    # No index: a `low_stock` GSI keyed on headroom (available - the product's threshold) changed its key on every
    # reservation and release, two index writes each (7.2 WRU per order beside the items' own 9.6). The admin's
    # low-stock view is a Scan filtered on headroom instead; DynamoStockLedger.low_stock has the arithmetic.
    Table("inventory", hash_key=_S("product_id"), range_key=_S("warehouse_id")),
    Table(
        "orders",
        hash_key=_S("id"),
        # Keys only: with ALL every order write rewrote both index copies (23.5 of 89 WRU per order). An update
        # that changes no index key and no projected attribute writes nothing to the index; a changed key writes
        # it twice, "one to delete the previous item from the index and another write to put the new item into
        # the index" (docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations
        # .Writes). The readers (admin list, expiry and recovery sweeps) fetch the orders with BatchGetItem instead.
        indexes=(
            Index("by_customer", hash_key=_S("email"), range_key=_S("created_at"), projection="KEYS_ONLY"),
            Index("by_status", hash_key=_S("status"), range_key=_S("created_at"), projection="KEYS_ONLY"),
        ),
    ),
    Table("order_events", hash_key=_S("order_id"), range_key=_S("id")),
    Table(
        "reservations",
        hash_key=_S("order_id"),
        # Sparse: only a HELD reservation carries `held` (commerce/repositories/reservations.py), so the sweep's
        # Queries for lapsed holds (`held = HELD#<n> AND expires_at <= now`, one per partition) read holds alone. Keys
        # only: reclaiming reads the record anyway. `held` takes 16 values by order id (commerce/repositories/
        # holds_index.py), each partition ~500 holds a second (two index writes a hold: taken, settled): ~8,000.
        indexes=(Index("holds_by_expiry", hash_key=_S("held"), range_key=_S("expires_at"), projection="KEYS_ONLY"),),
    ),
    # Also holds failed admin logins per username ("admin-login#…" keys) and the slots of live stock holds per
    # customer and address ("hold-slot#…", "hold-slots#order#…": commerce/hold_limits.py), cleared by the same TTL.
    Table("idempotency", hash_key=_S("key"), ttl_attribute="expires_at"),
    # Admins' stock changes (who, when, before, after), newest first per product.
    Table("stock_adjustments", hash_key=_S("product_id"), range_key=_S("id")),
    # Per-day counters (UpdateItem ADD) kept on every committed order change; analytics reads days, never orders.
    Table("analytics", hash_key=_S("day")),
)

# The code paths the functions share, each with the table actions it takes (commerce/repositories/*.py).
# OrderChanges.apply: read the order, write it and its timeline events in one transaction (Put on the version read),
# and add to the day's analytics counters (AnalyticsRecorder, UpdateItem ADD).
_ORDER_CHANGES: TableUses = {
    "orders": uses("GetItem", "PutItem"),
    "order_events": uses("PutItem"),
    "analytics": uses("UpdateItem"),
}
# CustomerEmails.once: claim the email in the idempotency table before sending it.
_EMAIL_ONCE: TableUses = {"idempotency": uses("PutItem")}
# Reservations.release/ship: read the reservation, then move it and its stock in one transaction.
_STOCK_SETTLES: TableUses = {"reservations": uses("GetItem", "UpdateItem"), "inventory": uses("UpdateItem")}
# InventoryService.free_hold_slots (with every conversion and release of a hold): the order's list of hold slots in
# the idempotency table, then a conditional delete of each slot and of the list (commerce/repositories/hold_slots.py).
_FREE_HOLD_SLOTS: TableUses = {"idempotency": uses("GetItem", "DeleteItem")}
# OrderRepository.each_by_status: the keys-only status index, then the orders by BatchGetItem.
_ORDERS_BY_STATUS: TableUses = {"orders": uses("BatchGetItem", indexes=("by_status",))}
# CompensationService.compensate: besides order changes and notes, the timeline read that tells how a stalled
# compensation was started, the stock released and the "cancelled"/"failed" email.
_COMPENSATION: TableUses = merged(
    _ORDER_CHANGES, {"order_events": uses("Query")}, _STOCK_SETTLES, _FREE_HOLD_SLOTS, _EMAIL_ONCE
)
# FulfillmentSteps.notify_customer and mark_fulfilled, which the recovery sweep also runs.
_NOTIFY_CUSTOMER: TableUses = merged({"orders": uses("GetItem"), "order_events": uses("PutItem")}, _EMAIL_ONCE)
_MARK_FULFILLED: TableUses = merged(_ORDER_CHANGES, _STOCK_SETTLES)
# InventoryService.reserve_for: the warehouses, the stock of every line's product, one transaction that records the
# reservation and takes the stock (a duplicate reads the stored reservation).
_RESERVE: TableUses = {
    "warehouses": uses("Query"),
    "inventory": uses("Query", "BatchGetItem", "UpdateItem"),
    "reservations": uses("GetItem", "PutItem"),
}

# InventoryService.reclaim_lapsed (the sweep): the lapsed holds from the sparse index, then for each one the record
# read and one transaction that marks it LAPSED and gives its stock back.
_RECLAIM_LAPSED: TableUses = merged({"reservations": uses(indexes=("holds_by_expiry",))}, _STOCK_SETTLES)
# InventoryService.hold_for (payOrder, before the card): the reservation read and its renewal (UpdateItem), or the
# stock read and one transaction that records the hold and takes the stock, reclaiming lapsed holds first when the
# stock is short. convert_for (the saga, once authorized) is one UpdateItem, or the same path when the hold lapsed.
# The hold's slots (commerce/hold_limits.py): read (BatchGetItem), claimed (PutItem), settled (UpdateItem), listed
# for the order (UpdateItem ADD), and freed when the hold is refused or converted.
_HOLD: TableUses = merged(
    _RESERVE,
    {"reservations": uses("UpdateItem"), "idempotency": uses("BatchGetItem", "PutItem", "UpdateItem")},
    _RECLAIM_LAPSED,
    _FREE_HOLD_SLOTS,
)
_CONVERT_HOLD: TableUses = merged(_RESERVE, {"reservations": uses("UpdateItem")}, _RECLAIM_LAPSED, _FREE_HOLD_SLOTS)
# BudgetedGateway (commerce/payment_budget.py): each Stripe create, confirm and capture first adds one to the stack's
# write counter of the current tenth of a second, an item of the idempotency table ("stripe-writes#<window>").
_STRIPE_WRITES: TableUses = {"idempotency": uses("UpdateItem")}


def _saga_step(name: str, handler: str, description: str, tables: TableUses, **extra: Any) -> Function:
    return Function(
        name,
        handler=f"handlers.saga_steps.{handler}",
        description=description,
        # Every attempt is recorded in the order's timeline (handlers/saga_steps.py), succeeded or failed.
        tables=merged({"order_events": uses("PutItem")}, tables),
        # The saga's Task gives up on an attempt after the same time (sagas/fulfillment.py, its time budget).
        timeout_s=STEP_TIMEOUT_SECONDS,
        **extra,
    )


FUNCTIONS = (
    Function(
        "api",
        handler="graphql_api.lambda_handler.handler",
        description="GraphQL API (Strawberry behind Mangum)",
        # Shoppers: the catalog (its index), placing (idempotency claim, order, timeline in one transaction), their
        # orders by email, paying. Admins: products, warehouses and stock with its audit trail, orders by status,
        # analytics by days, logins (failures counted in the idempotency table), and cancelling: the compensation
        # runs here.
        tables=merged(
            _COMPENSATION,
            _HOLD,  # payOrder holds the order's stock before the card is touched
            _STRIPE_WRITES,  # payOrder opens and confirms the payment
            {
                "products": uses("GetItem", "BatchGetItem", "PutItem", indexes=("catalog",)),
                "warehouses": uses("Query", "PutItem"),
                # splitStock puts shard items, mergeStock deletes them (commerce/admin/shards.py)
                "inventory": uses("Query", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem"),
                "orders": uses("BatchGetItem", indexes=("by_customer", "by_status")),
                "idempotency": uses("GetItem", "PutItem", "UpdateItem", "DeleteItem"),
                "stock_adjustments": uses("Query", "PutItem"),
                "analytics": uses("BatchGetItem"),
            },
        ),
        scans=("inventory",),  # the admin's low-stock list (commerce/repositories/stock_ledger.py)
        memory_mb=1024,
        timeout_s=29,
        publishes_events=True,
        uses_stripe=True,
        sends_email=True,
        secrets=("app-keys", "admin-users", "edge"),
        snap_start=True,
    ),
    Function(
        "stripe-webhook",
        handler="handlers.stripe_webhook.handler",
        description="Stripe webhook: verify signature, drop duplicates, put the domain event on the bus",
        # The event id is claimed before publishing and given back when publishing fails (commerce/webhooks.py).
        tables={"idempotency": uses("PutItem", "DeleteItem")},
        memory_mb=512,
        timeout_s=10,
        publishes_events=True,
        uses_stripe=True,
        secrets=("edge",),
    ),
    _saga_step(
        "reserve-inventory",
        "reserve_inventory",
        # The name stays (running executions, alarms, grants name it); it converts payOrder's hold, and reserves
        # only for an order authorized before holds existed.
        "Saga: convert the order's stock hold into a reservation",
        merged(_ORDER_CHANGES, _CONVERT_HOLD, _RESERVE),
    ),
    _saga_step(
        "capture-payment",
        "capture_payment",
        "Saga: capture the authorized payment",
        # Capture requires the reservation: read before the Stripe call.
        merged(_ORDER_CHANGES, {"reservations": uses("GetItem")}, _STRIPE_WRITES),
        uses_stripe=True,
    ),
    _saga_step(
        "allocate-shipment",
        "allocate_shipment",
        "Saga: hand the order to carriers",
        # The warehouses to plan shipments from; the timeline when an order has no authorized_at of its own
        # (commerce/timeline.py, authorized_at).
        merged(_ORDER_CHANGES, _STOCK_SETTLES, {"warehouses": uses("Query"), "order_events": uses("Query")}),
    ),
    _saga_step(
        "notify-customer",
        "notify_customer",
        "Saga: email the shipping confirmation",
        _NOTIFY_CUSTOMER,
        sends_email=True,
    ),
    _saga_step("mark-fulfilled", "mark_fulfilled", "Saga: mark the order fulfilled", _MARK_FULFILLED),
    Function(
        "payment-authorized",
        handler="handlers.payment_events.on_payment_authorized",
        description="Record an authorization and start the order's one saga",
        # The saga's start is claimed in the idempotency table and the claim given back when the start fails
        # (commerce/services/saga_launch.py). An authorization for an order that is gone (cancelled, expired) is
        # given back by the compensation (commerce/services/authorizations.py): it runs no saga step, so it never
        # finds the order COMPENSATING nor its stock reserved, and needs only its note, the Stripe call and the
        # email.
        # Its release finds no stock to give back, but looks for the order's hold slots (_FREE_HOLD_SLOTS).
        tables=merged(
            _ORDER_CHANGES,
            {"idempotency": uses("PutItem", "DeleteItem"), "reservations": uses("GetItem")},
            _FREE_HOLD_SLOTS,
        ),
        publishes_events=True,
        starts_workflows=True,
        uses_stripe=True,
        sends_email=True,
    ),
    Function(
        "payment-failed",
        handler="handlers.payment_events.on_payment_failed",
        description="Record a declined payment",
        tables=_ORDER_CHANGES,
        publishes_events=True,
    ),
    Function(
        "payment-reversed",
        handler="handlers.payment_events.on_payment_reversed",
        description="Record a refund or cancellation made in Stripe (its Dashboard) on the order",
        # It changes orders only to CANCELLED or not at all (commerce/services/reversals.py): none is announced,
        # so it publishes nothing, and it never calls Stripe (the webhook re-read the intent already).
        tables=_ORDER_CHANGES,
        secrets=(),
    ),
    Function(
        "compensation",
        handler="handlers.compensation.handler",
        description="Undo an order: release stock, cancel or refund the payment, tell the customer",
        tables=_COMPENSATION,
        uses_stripe=True,
        sends_email=True,
    ),
    Function(
        "notifications",
        handler="handlers.notifications.handler",
        description="Email customers about status changes",
        # Each email is claimed in the idempotency table before it is sent (commerce/services/customer_emails.py),
        # so a redelivered event sends it once: without the write, every claim is AccessDenied on AWS.
        tables=merged({"orders": uses("GetItem")}, _EMAIL_ONCE),
        sends_email=True,
    ),
    Function(
        "expire-unpaid-orders",
        handler="handlers.expiry.handler",
        description="Put lapsed stock holds back on sale; expire orders left unpaid and release their holds",
        tables=merged(_ORDERS_BY_STATUS, _ORDER_CHANGES, _RECLAIM_LAPSED, _STOCK_SETTLES, _FREE_HOLD_SLOTS),
        publishes_events=True,  # EXPIRED is announced on the bus (commerce/services/order_changes.py)
        uses_stripe=True,
        timeout_s=120,
    ),
    Function(
        "redrive-stuck-orders",
        handler="handlers.expiry.redrive",
        description="Finish stalled compensations and missed last steps; re-run sagas that stopped",
        # commerce/services/recovery.py: compensate, notify and mark fulfilled, or start the saga again (no claim).
        tables=merged(_ORDERS_BY_STATUS, _COMPENSATION, _NOTIFY_CUSTOMER, _MARK_FULFILLED),
        starts_workflows=True,
        uses_stripe=True,
        sends_email=True,
        timeout_s=300,
    ),
)

_FROM_US = {"source": [SOURCE]}

RULES = (
    Rule(
        "payment-authorized",
        "A payment was authorized (payOrder or Stripe's webhook): start the saga",
        {**_FROM_US, "detail-type": [PaymentAuthorized.detail_type]},
        target_function="payment-authorized",
    ),
    Rule(
        "payment-failed",
        "A payment was declined: record it, the shopper may try another card",
        {**_FROM_US, "detail-type": [PaymentFailed.detail_type]},
        target_function="payment-failed",
    ),
    Rule(
        "payment-reversed",
        "A refund or cancellation reported by Stripe: record it on the order",
        {**_FROM_US, "detail-type": [PaymentRefunded.detail_type, PaymentCanceled.detail_type]},
        target_function="payment-reversed",
    ),
    Rule(
        "compensation-requested",
        "A saga step failed or an admin cancelled: undo the order",
        {**_FROM_US, "detail-type": [CompensationRequested.detail_type]},
        target_function="compensation",
    ),
    Rule(
        "order-status-changed",
        "Tell the customer",
        {**_FROM_US, "detail-type": [OrderStatusChanged.detail_type]},
        target_function="notifications",
    ),
)

SECRETS = (
    # The `*_previous` fields are empty but while a rotation hands over (docs/operate.md, "Rotating secrets").
    Secret(
        "stripe",
        STRIPE,
        "Stripe secret API key and webhook signing secret",
        ("secret_key", "webhook_secret", "webhook_secret_previous"),
    ),
    Secret(
        "app-keys",
        APP_KEYS,
        "Order access-token HMAC key and admin JWT signing key",
        ("order_token_key", "jwt_signing_key", "jwt_signing_key_previous"),
    ),
    Secret("admin-users", ADMIN_USERS, "Admin users with argon2id password hashes", ("users",)),
    # Generated by the Pulumi program; CloudFront adds it to every request it forwards to the HTTP API, and the two
    # functions behind the API refuse a request without it (commerce/adapters/edge.py).
    Secret(
        "edge",
        EDGE,
        "The value CloudFront sends in x-origin-verify, so the API answers only through the distribution",
        ("origin_secret", "origin_secret_previous"),
    ),
)

SCHEDULES = (
    Schedule("expire-unpaid-orders", "rate(5 minutes)", target_function="expire-unpaid-orders"),
    Schedule("redrive-stuck-orders", "rate(10 minutes)", target_function="redrive-stuck-orders"),
)

DEPLOYMENT = Deployment(tables=TABLES, functions=FUNCTIONS, rules=RULES, schedules=SCHEDULES, secrets=SECRETS)
