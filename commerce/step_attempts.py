"""Each attempt of a saga step, in the order's timeline: what the admin's view, the shopper's words and the re-drive
read. The attempt's failure is re-raised for the state machine to Retry or Catch."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from commerce.metrics import Metric
from commerce.timeline import OrderEvent, OrderEventKind

if TYPE_CHECKING:
    from commerce.clock import Clock
    from commerce.commands import SagaStep
    from commerce.metrics import Metrics
    from commerce.ports import OrderEventRepository

logger = logging.getLogger(__name__)


class StepAttempts:
    def __init__(
        self,
        events: OrderEventRepository,
        clock: Clock,
        metrics: Metrics,
        transient: Callable[[BaseException], bool],
    ) -> None:
        self.events = events
        self.clock = clock
        self.metrics = metrics
        self.transient = transient

    def run[R](self, command: SagaStep[R], step: Callable[[str], R]) -> R:
        name, order_id, attempt = type(command).__name__, command.order_id, command.attempt
        try:
            result = step(order_id)
        except Exception as exc:
            detail = {"error": type(exc).__name__, "message": str(exc), "transient": self.transient(exc)}
            message = f"{name} failed (attempt {attempt}): {type(exc).__name__}"
            failed = OrderEvent.new(
                order_id, self.clock(), OrderEventKind.STEP_FAILED, message, step=name, attempt=attempt, detail=detail
            )
            self.events.append(failed)
            logger.warning(
                "saga step failed",
                extra={"order_id": order_id, "step": name, "attempt": attempt, "error": type(exc).__name__},
            )
            self.metrics.record(Metric.SAGA_STEP_FAILED, step=name)
            raise
        done = OrderEvent.new(
            order_id, self.clock(), OrderEventKind.STEP_SUCCEEDED, f"{name} done", step=name, attempt=attempt
        )
        self.events.append(done)
        return result
