"""What an authorized payment sets off, whichever path (payOrder or Stripe's webhook) reported it, however often."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.events import CompensationRequested, PaymentAuthorized
from commerce.order_status import GONE, IN_SAGA
from commerce.orders import Order
from commerce.services.compensation import CompensationService
from commerce.services.payments import PaymentService
from commerce.services.saga_launch import SagaLauncher


@dataclass(frozen=True)
class AuthorizationHandled:
    order: Order
    saga_started: bool


class PaymentAuthorizations:
    def __init__(self, *, payments: PaymentService, sagas: SagaLauncher, compensation: CompensationService) -> None:
        self.payments = payments
        self.sagas = sagas
        self.compensation = compensation

    def handle(self, authorized: PaymentAuthorized) -> AuthorizationHandled:
        order = self.payments.record_authorization(authorized)
        if order.status in IN_SAGA:
            # The launcher claims one saga per order: a late duplicate of the authorization starts none.
            return AuthorizationHandled(order, self.sagas.launch(order.id))
        if order.status in GONE:
            # The money arrived for an order that is gone: give the authorization back.
            reason = f"payment authorized after the order was {order.status.value}"
            self.compensation.compensate(CompensationRequested(order.id, reason=reason))
        return AuthorizationHandled(order, saga_started=False)
