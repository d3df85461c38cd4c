"""Scheduled: expire orders left unpaid for longer than the configured time."""

from __future__ import annotations

import logging
from typing import Any

from handlers.runtime import services

logger = logging.getLogger(__name__)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    expired = services().expiry.expire_unpaid()
    logger.info("expired unpaid orders", extra={"count": len(expired)})
    return {"expired": expired}
