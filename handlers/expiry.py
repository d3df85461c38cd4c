"""Scheduled: put lapsed stock holds back on sale, and expire orders left unpaid for longer than the configured time."""

from __future__ import annotations

import logging
from typing import Any

from commerce.adapters.invocation import observed
from handlers.runtime import services

logger = logging.getLogger(__name__)


@observed()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    expired = services().expiry.expire_unpaid()
    logger.info("expired unpaid orders", extra={"count": len(expired)})
    return {"expired": expired}


@observed()
def redrive(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Scheduled: move on orders that stopped (a failing compensation, a missed last step, an unstarted saga)."""
    acted = services().recovery.redrive()
    logger.info("re-drove stuck orders", extra={"counts": {status: len(ids) for status, ids in acted.items()}})
    return {"redriven": acted}
