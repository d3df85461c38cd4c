from __future__ import annotations

import strawberry

from commerce.errors import OrderNotFoundError
from commerce.payments import InvalidCardTokenError, PaymentDeclinedError, PaymentProviderUnavailableError
from commerce.services.payments import PaymentNotAllowedError, PaymentOutcome
from commerce.validation import IssueCode
from graphql_api.context import Context, run_sync
from graphql_api.errors import UserError
from graphql_api.orders.types import Order

strawberry.enum(PaymentOutcome, description="What the confirmation achieved; REQUIRES_ACTION means 3-D Secure.")


@strawberry.type
class PayOrderPayload:
    order: Order | None = None
    outcome: PaymentOutcome | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="For Stripe.js confirmCardPayment when outcome is REQUIRES_ACTION."
    )
    decline_reason: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _error(field: str | None, code: IssueCode, message: str) -> PayOrderPayload:
    return PayOrderPayload(errors=[UserError(field=field, message=message, code=code)])


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description="Confirm the order's payment with a Stripe.js card token (createToken). "
        "After 3-D Secure, call again (cardToken may be omitted) to re-check."
    )
    async def pay_order(
        self,
        info: strawberry.Info[Context, None],
        order_id: strawberry.ID,
        access_token: str,
        card_token: str | None = None,
    ) -> PayOrderPayload:
        services = info.context.services
        try:
            result = await run_sync(services.payments.pay, str(order_id), access_token, card_token)
        except OrderNotFoundError:
            return _error("orderId", IssueCode.NOT_FOUND, "no order with this id and access token")
        except PaymentNotAllowedError as exc:
            return _error("orderId", IssueCode.PAYMENT_NOT_ALLOWED, f"the order is {exc.status} and takes no payment")
        except InvalidCardTokenError:
            return _error("cardToken", IssueCode.INVALID_CARD_TOKEN, "the card token is invalid or already used")
        except PaymentDeclinedError as exc:
            return _error("cardToken", IssueCode.PAYMENT_DECLINED, exc.reason)
        except PaymentProviderUnavailableError:
            message = "the payment provider is unavailable; your card was not charged, try again shortly"
            return _error(None, IssueCode.PAYMENT_PROVIDER_UNAVAILABLE, message)
        events = await run_sync(services.tracking.timeline, result.order.id)
        return PayOrderPayload(
            order=Order.of(result.order, events),
            outcome=result.outcome,
            client_secret=result.client_secret,
            decline_reason=result.decline_reason,
        )
