"""Every pair of the table at one bound: schedules per pair, violations, and the known races found again."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tests.interleaving.explorer import Exploration, explore
from tests.interleaving.pairs import PAIRS


@dataclass
class InterleavingResult:
    bound: int
    schedules: dict[str, int] = field(default_factory=dict)  # per pair; up to the violation where one was found
    known_races: dict[str, str] = field(default_factory=dict)  # known_bug pairs: what was found again
    violations: list[str] = field(default_factory=list)
    explorations: list[Exploration] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def run_interleavings(bound: int, only: str | None = None) -> InterleavingResult:
    """A known bug that is found again is not a failure; one that is no longer found is (remove its marker)."""
    started = time.monotonic()
    result = InterleavingResult(bound)
    for pair in PAIRS:
        if only and only not in pair.name:
            continue
        found = explore(pair, bound)
        result.explorations.append(found)
        result.schedules[pair.name] = found.schedules
        if found.failure is not None and pair.known_bug:
            result.known_races[pair.name] = f"found after {found.schedules} schedules: {found.failure.violation}"
        elif found.failure is not None:
            result.violations.append(found.report())
        elif pair.known_bug:
            result.violations.append(f"{pair.name}: the known bug is no longer found; remove its known_bug marker")
    result.seconds = round(time.monotonic() - started, 1)
    return result
