"""The description's schedules, fired locally (moto stores schedule rules but never fires them)."""

from __future__ import annotations

import logging
import re
import threading

from infra.deployment import Schedule

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_seconds(expression: str) -> int:
    match = _RATE.match(expression)
    if not match:
        raise ValueError(f"only rate(...) schedules run locally, not {expression!r}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


class LocalScheduler:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def every(self, schedule: Schedule, fire: object, interval: float | None = None) -> None:
        seconds = interval if interval is not None else interval_seconds(schedule.expression)

        def loop() -> None:
            while not self._stop.wait(seconds):
                try:
                    fire()  # type: ignore[operator]
                except Exception:
                    logger.exception("scheduled %s failed", schedule.name)

        thread = threading.Thread(target=loop, name=f"schedule-{schedule.name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
