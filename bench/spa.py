"""The web app's order page as a source of API requests: after payment it polls `orderUpdates` until the order is
terminal, every second for the first 30 s and every 5 s after (frontend/src/features/orders/lib/poll-schedule.ts,
read from there so the model follows the app). Assumes the tab stays open and visible, and no poll fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SCHEDULE_SOURCE = Path(__file__).resolve().parents[1] / "frontend/src/features/orders/lib/poll-schedule.ts"


@dataclass(frozen=True)
class PollSchedule:
    fast_interval_s: float
    fast_window_s: float
    interval_s: float


def read_schedule(source: Path = SCHEDULE_SOURCE) -> PollSchedule:
    text = source.read_text()

    def milliseconds(name: str) -> float:
        found = re.search(rf"export const {name}\s*=\s*([\d_]+)\s*;", text)
        if found is None:
            raise ValueError(f"{name} not found in {source}: the SPA's poll schedule moved, update bench/spa.py")
        return int(found.group(1).replace("_", "")) / 1000

    return PollSchedule(
        milliseconds("FAST_INTERVAL_MS"), milliseconds("FAST_WINDOW_MS"), milliseconds("DEFAULT_INTERVAL_MS")
    )


def polls_until_terminal(seconds: float, schedule: PollSchedule) -> int:
    """`orderUpdates` requests from the payment (when the page opens) to the first one that sees the order terminal."""
    elapsed, polls = 0.0, 0
    while True:
        elapsed += schedule.fast_interval_s if elapsed < schedule.fast_window_s else schedule.interval_s
        polls += 1
        if elapsed >= seconds:
            return polls
