from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from commerce.admin.cancellation import CancellationDeferredError, OrderNotCancellableError, check_reason
from commerce.admin.rejection import RequestRejectedError
from commerce.admin.stock import NegativeStockError, StockVersionConflictError, WarehouseNotFoundError
from commerce.commands import AdjustStock, CancelOrder, LogIn
from commerce.errors import OrderNotFoundError, ProductNotFoundError
from commerce.stock_shards import StockSplitError
from commerce.validation import IssueCode
from graphql_api.admin.order_types import AdminOrder, CancelOrderPayload
from graphql_api.admin.permissions import ADMIN_ONLY, admin_of
from graphql_api.admin.shard_mutations import StockShardMutation, stock_error
from graphql_api.admin.stock_types import (
    AdjustStockInput,
    AdjustStockPayload,
    StockAdjustment,
    StockLevel,
)
from graphql_api.context import Context, run_sync
from graphql_api.errors import UserError, user_errors
from graphql_api.scalars import DateTime

if TYPE_CHECKING:
    from commerce.admin.login import LoginRefusedError

Info = strawberry.Info[Context, None]


@strawberry.type
class AdminLoginPayload:
    token: str | None = strawberry.field(
        default=None, description="Send as 'Authorization: Bearer <token>' on admin requests. Lives 15 minutes."
    )
    expires_at: DateTime | None = None
    username: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AdminMutation(StockShardMutation):
    @strawberry.mutation(
        description="Exchange an admin's username and password for a short-lived token. Attempts are limited per "
        "username and caller address: past a few, each next attempt waits longer (LOGIN_LOCKED says how long); an "
        "unknown username and a wrong password get the same answer."
    )
    async def admin_login(self, info: Info, username: str, password: str) -> AdminLoginPayload:
        # Here, not at the top: the login module imports argon2, which no shopper's request needs at cold start.
        from commerce.admin.login import LoginRefusedError

        try:
            source = info.context.caller_address()
            logged_in = await info.context.send(LogIn(username, password, source))
        except LoginRefusedError as refused:
            return AdminLoginPayload(errors=[_login_error(refused)])
        token = logged_in.token
        return AdminLoginPayload(
            token=token.token,
            expires_at=DateTime(token.expires_at.isoformat().replace("+00:00", "Z")),
            username=logged_in.username,
        )

    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Cancel an order not yet handed to the carrier: stock is released and the payment cancelled or "
        "refunded, as for a failed saga. Idempotent. Records who cancelled and why in the timeline.",
    )
    async def cancel_order(self, info: Info, id: strawberry.ID, reason: str) -> CancelOrderPayload:
        issues = check_reason(reason)
        if issues:
            return CancelOrderPayload(errors=user_errors(issues))
        try:
            order = await info.context.send(CancelOrder(str(id), reason, by=admin_of(info).username))
        except OrderNotFoundError:
            return _cancel_error("id", IssueCode.NOT_FOUND, "no order with this id")
        except OrderNotCancellableError as exc:
            message = f"the order is {exc.status.value} and can no longer be cancelled"
            return _cancel_error("id", IssueCode.ORDER_NOT_CANCELLABLE, message)
        except CancellationDeferredError:
            message = "the payment provider did not answer; the cancellation will complete in the background"
            return _cancel_error(None, IssueCode.CANCELLATION_PENDING, message)
        events = await run_sync(info.context.read.order_search.timeline, order.id)
        return CancelOrderPayload(order=AdminOrder.of_order(order, events))

    @strawberry.mutation(
        permission_classes=ADMIN_ONLY,
        description="Set or change a product's available units in one warehouse. Reserved and shipped units are "
        "never touched, stock never goes below zero, and every change is recorded (who, when, before, after).",
    )
    async def adjust_stock(self, info: Info, input: AdjustStockInput) -> AdjustStockPayload:
        command = AdjustStock(
            product_id=str(input.product_id),
            warehouse_id=str(input.warehouse_id),
            expected_version=input.expected_version,
            by=admin_of(info).username,
            quantity=input.quantity,
            delta=input.delta,
            note=input.note,
            idempotency_key=input.idempotency_key or "",
        )
        try:
            level, adjustment = await info.context.send(command)
        except RequestRejectedError as rejected:
            return AdjustStockPayload(errors=user_errors(rejected.issues))
        except (ProductNotFoundError, WarehouseNotFoundError, StockSplitError) as exc:
            return AdjustStockPayload(errors=[stock_error(exc)])
        except NegativeStockError as exc:
            message = f"only {exc.available} available: stock cannot go below zero"
            return _stock_error("delta" if input.delta is not None else "quantity", IssueCode.NEGATIVE_STOCK, message)
        except StockVersionConflictError as exc:
            message = f"the stock changed since you read it (now version {exc.current.version}): reload and retry"
            return _stock_error("expectedVersion", IssueCode.VERSION_CONFLICT, message)
        product = await run_sync(info.context.read.products.get, command.product_id)
        threshold = product.low_stock_threshold if product else 0
        return AdjustStockPayload(level=StockLevel.of(level, threshold), adjustment=StockAdjustment.of(adjustment))


def _login_error(refused: LoginRefusedError) -> UserError:
    if refused.retry_after:
        # The prefix is the one the web app's login form strips (frontend/src/features/admin-auth).
        message = f"too many failed logins: try again in {_duration(refused.retry_after)}"
        return UserError(field=None, message=message, code=IssueCode.LOGIN_LOCKED)
    return UserError(field=None, message="invalid username or password", code=IssueCode.INVALID_CREDENTIALS)


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def _cancel_error(field: str | None, code: IssueCode, message: str) -> CancelOrderPayload:
    return CancelOrderPayload(errors=[UserError(field=field, message=message, code=code)])


def _stock_error(field: str, code: IssueCode, message: str) -> AdjustStockPayload:
    return AdjustStockPayload(errors=[UserError(field=field, message=message, code=code)])
