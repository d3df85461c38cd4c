"""Scheduled: put lapsed stock holds back on sale, and expire orders left unpaid for longer than the configured time."""

from __future__ import annotations

import logging
from typing import Any

from commerce.adapters.invocation import observed
from commerce.bootstrap import bootstrap
from commerce.commands import ExpireUnpaidOrders, RedriveStuckOrders
from commerce.handlers import SCHEDULED_HANDLERS

logger = logging.getLogger(__name__)

bus = bootstrap(SCHEDULED_HANDLERS)


@observed()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    expired = bus.handle(ExpireUnpaidOrders())
    logger.info("expired unpaid orders", extra={"count": len(expired)})
    return {"expired": expired}


@observed()
def redrive(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Scheduled: move on orders that stopped (a failing compensation, a missed last step, an unstarted saga)."""
    acted = bus.handle(RedriveStuckOrders())
    logger.info("re-drove stuck orders", extra={"counts": {status: len(ids) for status, ids in acted.items()}})
    return {"redriven": acted}
