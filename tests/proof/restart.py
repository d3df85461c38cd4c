"""Restart: the local system stopped in the middle of its sagas and started again on the same state folder.

Each life runs in a process of its own (tests/proof/restart_child.py). What must hold after the restart: the
tables come back exactly as saved, every order ends terminal (the scheduled re-drive re-runs the sagas the stop
cut off, expiry ends the unpaid), stock is conserved per item and warehouse with nothing left reserved, every
fulfilled order was captured once at Stripe, and no failed or expired order keeps any money.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass
class RestartResult:
    orders: int
    statuses_at_stop: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    restored_items: int = 0
    settled_seconds: float = 0.0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations


def run_restart(*, orders: int, timeout: float = 180) -> RestartResult:
    """`orders` orders spread over the paused steps, plus two racing for one unit (one of them fails)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="restart-proof-") as state_dir:
        first = _life("before", state_dir, timeout, "--orders", str(orders))
        result = RestartResult(orders=int(first.get("placed", 0)))
        result.violations += first.get("violations", [])
        if not result.violations:
            second = _life("after", state_dir, timeout, "--timeout", str(timeout / 2))
            result.violations += second.get("violations", [])
            result.statuses_at_stop = Counter(second.get("statuses_at_stop", {}))
            result.outcomes = Counter(second.get("outcomes", {}))
            result.restored_items = int(second.get("restored_items", 0))
            result.settled_seconds = float(second.get("settled_seconds", 0.0))
    result.seconds = time.monotonic() - started
    return result


def _life(phase: str, state_dir: str, timeout: float, *arguments: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "tests.proof.restart_child", phase, "--state-dir", state_dir, *arguments]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, cwd=REPOSITORY, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        return {"violations": [f"the {phase} life did not end within {timeout} s: {_tail(exc.stderr)}"]}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"violations": [f"the {phase} life exited {done.returncode}: {_tail(done.stderr)}"]}
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def _tail(text: str | bytes | None, lines: int = 15) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])
