"""Printing figures: aligned tables, and the spread (median, min, max) of repeated runs."""

from __future__ import annotations

import math
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass

# Where the figures go: stdout as the bench started. The handlers print CloudWatch EMF lines to stdout, as Lambda
# would ship them to CloudWatch Logs; `python -m bench` silences sys.stdout while it measures, not the tables.
_OUT = sys.stdout


def emit(text: str = "") -> None:
    print(text, file=_OUT, flush=True)


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(math.nan, math.nan, math.nan)
        return cls(statistics.median(values), min(values), max(values))

    def as_json(self, digits: int = 3) -> dict[str, float]:
        return {"median": round(self.median, digits), "min": round(self.low, digits), "max": round(self.high, digits)}

    def text(self, digits: int = 1) -> str:
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}-{self.high:.{digits}f})"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]], note: str = "") -> None:
    """The first column left-aligned, the others right-aligned; floats as they come (format them first)."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) if cells else len(str(h)) for i, h in enumerate(header)]
    emit(f"\n{title}")
    emit("  " + "  ".join(_aligned(str(h), w, i) for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    for row in cells:
        emit("  " + "  ".join(_aligned(c, w, i) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    if note:
        emit(f"  {note}")


def _aligned(text: str, width: int, column: int) -> str:
    return text.ljust(width) if column == 0 else text.rjust(width)
