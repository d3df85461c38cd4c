from __future__ import annotations

import strawberry

from commerce.commands import PayOrder
from commerce.errors import OrderNotFoundError, OutOfStockError
from commerce.hold_limits import HoldKind, HoldLimitReachedError
from commerce.payment_budget import PaymentsBusyError
from commerce.payments import InvalidPaymentMethodError, PaymentDeclinedError, PaymentProviderUnavailableError
from commerce.services.payments import PaymentNotAllowedError, PaymentOutcome, StockBusyError
from commerce.validation import IssueCode
from graphql_api.context import Context, run_sync
from graphql_api.errors import UserError
from graphql_api.orders.types import Order

strawberry.enum(PaymentOutcome, description="What the confirmation achieved; REQUIRES_ACTION means 3-D Secure.")


@strawberry.type(description="What could not be held for an order (payOrder's OUT_OF_STOCK): nothing was charged.")
class StockShortage:
    sku: str
    requested: int
    available: int = strawberry.field(description="Units left for sale now, over all warehouses.")


@strawberry.type
class PayOrderPayload:
    order: Order | None = None
    outcome: PaymentOutcome | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="For Stripe.js handleNextAction (3-D Secure) when outcome is REQUIRES_ACTION."
    )
    decline_reason: str | None = None
    shortage: StockShortage | None = strawberry.field(
        default=None, description="With OUT_OF_STOCK: the line that cannot be held and what is left of it."
    )
    retry_after_ms: int | None = strawberry.field(
        default=None,
        description="With PAYMENTS_BUSY (the hold is kept) or STOCK_BUSY (nothing held): try again after this many "
        "milliseconds; the card was not charged.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


def _error(field: str | None, code: IssueCode, message: str) -> PayOrderPayload:
    return PayOrderPayload(errors=[UserError(field=field, message=message, code=code)])


def _payment_method_message(error: InvalidPaymentMethodError) -> str:
    if not error.payment_method_id:
        return "a payment method (pm_…) is needed to pay"
    if not error.payment_method_id.startswith("pm_"):
        return "only a PaymentMethod from Stripe.js (pm_…) is accepted; card tokens and card ids are not"
    return "this payment method cannot be used (unknown or already used): enter the card again"


def _hold_limit_message(error: HoldLimitReachedError) -> str:
    who = "you already have" if error.kind is HoldKind.CUSTOMER else "this network already has"
    return (
        f"{who} {error.cap} orders holding stock; pay or cancel one, or wait until {error.free_at[11:16]} UTC "
        "(your card was not charged)"
    )


def _refusal(exc: Exception) -> PayOrderPayload:
    if isinstance(exc, OutOfStockError):
        # Raised before any Stripe call: the hold comes first, so the card was never touched.
        message = f"only {exc.available} of {exc.sku} left, {exc.requested} wanted; your card was not charged"
        return PayOrderPayload(
            errors=[UserError(field="lines", message=message, code=IssueCode.OUT_OF_STOCK)],
            shortage=StockShortage(sku=exc.sku, requested=exc.requested, available=exc.available),
        )
    if isinstance(exc, PaymentProviderUnavailableError):
        return _unavailable(exc)
    if isinstance(exc, StockBusyError):
        message = "many shoppers are buying these items right now and they could not be held; your card was not charged"
        busy = UserError(field="lines", message=message + ": try again in a moment", code=IssueCode.STOCK_BUSY)
        return PayOrderPayload(errors=[busy], retry_after_ms=exc.retry_after_ms)
    field, code, message = _refusal_words(exc)
    return _error(field, code, message)


def _refusal_words(exc: Exception) -> tuple[str | None, IssueCode, str]:
    if isinstance(exc, OrderNotFoundError):
        return "orderId", IssueCode.NOT_FOUND, "no order with this id and access token"
    if isinstance(exc, PaymentNotAllowedError):
        return "orderId", IssueCode.PAYMENT_NOT_ALLOWED, f"the order is {exc.status} and takes no payment"
    if isinstance(exc, InvalidPaymentMethodError):
        return "paymentMethodId", IssueCode.INVALID_PAYMENT_METHOD, _payment_method_message(exc)
    if isinstance(exc, PaymentDeclinedError):
        return "paymentMethodId", IssueCode.PAYMENT_DECLINED, exc.reason
    if isinstance(exc, HoldLimitReachedError):
        # Raised before any stock is taken and before Stripe: the caller's other holds are what stands in the way.
        return None, IssueCode.HOLD_LIMIT_REACHED, _hold_limit_message(exc)
    raise exc


def _unavailable(exc: PaymentProviderUnavailableError) -> PayOrderPayload:
    if isinstance(exc, PaymentsBusyError):
        # Refused before the Stripe call it would have made: a flash sale is paying faster than Stripe takes.
        message = "payments are busy; your items are held and your card was not charged: try again shortly"
        busy = UserError(field=None, message=message, code=IssueCode.PAYMENTS_BUSY)
        return PayOrderPayload(errors=[busy], retry_after_ms=exc.retry_after_ms)
    message = "the payment provider is unavailable; your card was not charged, try again shortly"
    return _error(None, IssueCode.PAYMENT_PROVIDER_UNAVAILABLE, message)


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description="Confirm the order's payment with a PaymentMethod from Stripe.js (createPaymentMethod, pm_…). "
        "After 3-D Secure (handleNextAction), call again without paymentMethodId: the payment is re-read, not "
        "confirmed again. After a decline, call again with a new PaymentMethod. The order's items are held first "
        "(Order.heldUntil; each call renews the hold): when they cannot be, OUT_OF_STOCK and the card is not touched. "
        "A new hold beyond the caps (live holds per customer email and per source address; docs/api.md) is "
        "HOLD_LIMIT_REACHED, also before the card; renewing the order's own hold is always allowed."
    )
    async def pay_order(
        self,
        info: strawberry.Info[Context, None],
        order_id: strawberry.ID,
        access_token: str,
        payment_method_id: str | None = None,
    ) -> PayOrderPayload:
        try:
            source = info.context.caller_address()
            result = await info.context.send(PayOrder(str(order_id), access_token, payment_method_id, source))
        except (
            OrderNotFoundError,
            PaymentNotAllowedError,
            InvalidPaymentMethodError,
            PaymentDeclinedError,
            OutOfStockError,
            HoldLimitReachedError,
            StockBusyError,
            PaymentProviderUnavailableError,
        ) as exc:
            return _refusal(exc)
        timeline = await run_sync(info.context.read.tracking.timeline, result.order.id)
        return PayOrderPayload(
            order=Order.for_shopper(result.order, timeline),
            outcome=result.outcome,
            client_secret=result.client_secret,
            decline_reason=result.decline_reason,
        )
