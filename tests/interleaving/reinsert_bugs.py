"""The explorer must catch what it exists for: each race fixed in issues 18 to 20, put back one at a time
(patched in this process, no file edited), must make its pair fail.

`python -m tests.interleaving.reinsert_bugs [--bound N]` prints, for each, the schedule that shows it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from unittest import mock

from commerce.admin.lockout import name_and_source_key
from commerce.admin.login import UNKNOWN_SOURCE, AdminLogin, LoggedIn, LoginRefusedError
from commerce.commands import SplitStock
from commerce.events import CompensationRequested
from commerce.hot_stock import AUTO_SPLIT_BY, AutoSplit
from commerce.order_status import AWAITING_PAYMENT, GONE, OrderStatus
from commerce.orders import Order
from commerce.payments import PaymentStatus
from commerce.services.compensation import CompensationService
from commerce.services.expiry import ExpiryService
from commerce.services.order_changes import Change
from commerce.services.payments import PaymentNotAllowedError, PaymentService
from tests.interleaving.explorer import Exploration, explore
from tests.interleaving.pairs import Pair, pair_named

_S = OrderStatus
_P = PaymentStatus


def _expire_cancelling_first(self: ExpiryService, order: Order) -> bool:
    """Issue 18's expiry, before bef81cc: the intent cancelled first, the order claimed EXPIRED after."""
    intent_id = order.payment.intent_id
    if intent_id is not None:
        intent = self.payments.gateway.retrieve(intent_id)
        waiting = {_P.REQUIRES_PAYMENT_METHOD, _P.REQUIRES_CONFIRMATION, _P.REQUIRES_ACTION}
        if intent.status not in waiting and intent.status is not _P.CANCELED:
            return False
        if intent.status is not _P.CANCELED:
            self.payments.gateway.cancel(intent_id, idempotency_key=f"{order.id}:expire")
    minutes = int(self.unpaid_for.total_seconds() // 60)
    return self.changes.apply(order.id, lambda current: current.expire(minutes, self.clock())).status is _S.EXPIRED


def _login_counting_after_the_check(
    self: AdminLogin, username: str, password: str, source: str | None = None
) -> LoggedIn:
    """Issue 19's login before 9472a39, on today's store: the key's delay read before the (slow)
    password check, the attempt counted after it (one key, name and source, as the old login had one)."""
    now = int(self.clock().timestamp())
    key = name_and_source_key(username, source or UNKNOWN_SOURCE)
    allowance = self.attempts.policy.per_name_and_source
    recorded = self.attempts.get(key)
    if recorded is not None and (wait := recorded.last_at + allowance.wait_after(recorded.count) - now) > 0:
        raise LoginRefusedError(retry_after=wait)
    user = self._find(username)
    if not self.passwords.verify(user.password_hash if user else None, password) or user is None:
        self.attempts.admit(key, allowance, now)
        raise LoginRefusedError()
    self.attempts.remember_success(key, now)
    return LoggedIn(user.username, self.tokens().issue(user.username))


def _compensate_deciding_on_first_read(self: CompensationService, request: CompensationRequested) -> Order:
    """Issue 19's compensation as found: "beyond undo" judged on the first read only, the undo run whatever the
    conditional write to COMPENSATING then found."""
    order = self.orders.get(request.order_id)
    assert order is not None
    if order.status in {_S.SHIPPED, _S.FULFILLED}:
        return order
    final = _S.CANCELLED if request.cancel else _S.FAILED

    def begin(current: Order) -> Change | None:
        if current.status in AWAITING_PAYMENT:
            return Change(current.transitioned(_S.CANCELLED, self.clock()))
        if current.status not in {_S.AUTHORIZED, _S.RESERVED, _S.CAPTURED}:
            return None
        return Change(current.transitioned(_S.COMPENSATING, self.clock()))

    order = self.changes.apply(order.id, begin)
    self.inventory.release_for(order.id)
    refunded = 0
    if order.payment.intent_id:
        gateway = self.payments.gateway
        intent = gateway.retrieve(order.payment.intent_id)
        if intent.status is _P.SUCCEEDED and intent.amount_refunded < intent.amount_received:
            refunded = gateway.refund(intent.id, None, idempotency_key=f"{order.id}:refund").amount_refunded
        elif intent.status in {_P.REQUIRES_CAPTURE, _P.REQUIRES_PAYMENT_METHOD}:
            gateway.cancel(intent.id, idempotency_key=f"{order.id}:cancel")

    def finish(current: Order) -> Change | None:
        if current.status is not _S.COMPENSATING:
            return None
        payment = replace(current.payment, refunded=max(current.payment.refunded, refunded))
        return Change(current.transitioned(final, self.clock(), payment=payment))

    return self.changes.apply(order.id, finish)


_return_money = CompensationService._return_money


def _release_before_the_money(self: CompensationService, order: Order) -> int:
    """Issue 19's compensation before the undo was reversed: the stock released first, the money settled after,
    so a capture that read the reservation RESERVED lands on stock back on sale."""
    self.inventory.release_for(order.id)
    return _return_money(self, order)


def _hold_kept_for_an_ended_order(self: PaymentService, order: Order, source: str | None = None) -> Order:
    """payOrder's hold as first written: taken, and kept when the order expired while it was taken (no hold slots:
    they came later)."""
    reservation = self.inventory.hold_for(order)
    held_until = reservation.expires_at or ""
    saved = self.changes.apply(order.id, lambda current: current.hold(held_until, self.clock()))
    if saved.status in GONE:
        raise PaymentNotAllowedError(order.id, saved.status.value)
    return saved


def _split_contended_unguarded(self: AutoSplit, product_id: str, warehouse_id: str) -> bool:
    """Issue 20's automatic split without its guard: a split refused (the level split meanwhile over another count)
    escapes from payOrder's hold as StockSplitError, not as the hold's own retryable refusal."""
    self.split(SplitStock(product_id, warehouse_id, AUTO_SPLIT_BY, shards=self.shards))
    return True


@dataclass(frozen=True)
class Reinserted:
    name: str
    pair: str
    patch: Callable[[], AbstractContextManager[object]]


BUGS = (
    Reinserted(
        "expiry race (issue 18): the intent cancelled before the order is claimed EXPIRED",
        "expiry sweep x payOrder",
        lambda: mock.patch.object(ExpiryService, "_expire", _expire_cancelling_first),
    ),
    Reinserted(
        "lockout burst (issue 19): attempts counted after the password check instead of admitted before it",
        "admin login (wrong password) x admin login (wrong password)",
        lambda: mock.patch.object(AdminLogin, "login", _login_counting_after_the_check),
    ),
    Reinserted(
        "cancellation race (issue 19): compensation decides 'beyond undo' on its first read only",
        "admin cancel x allocate_shipment",
        lambda: mock.patch.object(CompensationService, "compensate", _compensate_deciding_on_first_read),
    ),
    Reinserted(
        "capture without stock (issue 19): the compensation releases the stock before it settles the money",
        "admin cancel x capture_payment",
        lambda: mock.patch.object(CompensationService, "_return_money", _release_before_the_money),
    ),
    Reinserted(
        "hold of an expired order (issue 19): payOrder keeps the hold it took while the sweep expired the order",
        "expiry sweep x payOrder",
        lambda: mock.patch.object(PaymentService, "hold", _hold_kept_for_an_ended_order),
    ),
    Reinserted(
        "split refusal escaping (issue 20): the automatic split lets an admin's split over another count through",
        "split x payOrder's stock hold splitting its item",
        lambda: mock.patch.object(AutoSplit, "split_contended", _split_contended_unguarded),
    ),
)


@contextmanager
def reinserted(bug: Reinserted) -> Iterator[Pair]:
    with bug.patch():
        yield pair_named(bug.pair)


def explore_with(bug: Reinserted, bound: int) -> Exploration:
    with reinserted(bug) as pair:
        return explore(pair, bound)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bound", type=int, default=2)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    caught = 0
    for bug in BUGS:
        found = explore_with(bug, args.bound)
        caught += not found.passed
        verdict = "CAUGHT" if not found.passed else "MISSED"
        print(f"{verdict}: {bug.name} — after {found.schedules} schedules, {found.seconds:.2f} s")
        if found.failure is not None:
            print(found.report(), end="\n\n")
    print(f"{caught} of {len(BUGS)} re-inserted bugs caught")
    return 0 if caught == len(BUGS) else 1


if __name__ == "__main__":
    sys.exit(main())
