"""One saga per order, on an engine that runs every execution it is asked for.

The saga is an Express workflow (cost: docs/performance.md, "Cost per order on AWS"): Step Functions neither
refuses a second Express execution of the same name nor describes a running one, so "started once" is a claim in
the idempotency table, taken before the start and given back when the start fails. Re-running a saga is always
safe (every step is idempotent), which is what recovery does for an order that stopped moving.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from commerce.clock import Clock
from commerce.idempotency import IdempotencyRecord
from commerce.ports import IdempotencyRepository
from commerce.workflows import SagaStarter

logger = logging.getLogger(__name__)

# Far beyond any order's life in the saga; the claim only has to outlive the race between payOrder and the webhook.
CLAIM_TTL = timedelta(days=30)


class SagaLauncher:
    def __init__(self, *, claims: IdempotencyRepository, starter: SagaStarter, clock: Clock) -> None:
        self.claims = claims
        self.starter = starter
        self.clock = clock

    def launch(self, order_id: str) -> bool:
        """Start the order's saga unless it was started before; whether this call started it."""
        claim = IdempotencyRecord(
            key=f"saga:{order_id}",
            request_hash="fulfillment",
            result_id=order_id,
            expires_at=int((self.clock() + CLAIM_TTL).timestamp()),
        )
        if not self.claims.claim(claim):
            logger.info("saga already started", extra={"order_id": order_id})
            return False
        try:
            execution = self.starter.start(order_id, {"order_id": order_id})
        except Exception:
            # Nothing started: let the next delivery of the authorization (or recovery) try again.
            self.claims.release(claim.key)
            raise
        logger.info("saga started", extra={"order_id": order_id, "execution": execution})
        return True

    def relaunch(self, order_id: str) -> str:
        """Run the saga again for an order it left half done; the steps already done are skipped."""
        execution = self.starter.start(order_id, {"order_id": order_id})
        logger.info("saga re-run", extra={"order_id": order_id, "execution": execution})
        return execution
