"""Customer emails at most once each: steps are retried and events delivered more than once, inboxes are not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from commerce.clock import Clock
from commerce.idempotency import IdempotencyRecord
from commerce.ports import IdempotencyRepository

CLAIM_TTL = timedelta(days=7)


class CustomerEmails:
    def __init__(self, idempotency: IdempotencyRepository, clock: Clock) -> None:
        self.idempotency = idempotency
        self.clock = clock

    def once(self, kind: str, order_id: str, send: Callable[[], bool]) -> bool | None:
        """Send unless this email was already claimed: None when it was, else whether it was delivered.

        The claim comes first: a crash between claim and send loses one email rather than sending two.
        """
        claim = IdempotencyRecord(
            key=f"email:{kind}:{order_id}",
            request_hash=kind,
            result_id=order_id,
            expires_at=int((self.clock() + CLAIM_TTL).timestamp()),
        )
        if not self.idempotency.claim(claim):
            return None
        return send()
