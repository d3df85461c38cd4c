"""Cold start: a fresh interpreter importing each Lambda handler module (imports plus module-level setup).

Each measurement is a new process with the local cloud's environment, so module-level code that needs
configuration runs as it would in a Lambda's init phase. Bytecode is compiled first, as the bundle ships it.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from infra.deployment import DEPLOYMENT

ROOT = Path(__file__).resolve().parents[1]

# Targets on this machine, from the performance issue.
TARGETS_MS = {"api": 250.0, "stripe-webhook": 200.0}
SAGA_STEP_TARGET_MS = 200.0

_PROBE = """
import importlib, sys, time
started = time.perf_counter()
module, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module), attribute)
print((time.perf_counter() - started) * 1000)
"""


@dataclass
class ColdStart:
    function: str
    handler: str
    runs_ms: list[float]
    target_ms: float | None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def meets_target(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms <= self.target_ms


def target_for(function: str, handler: str) -> float | None:
    if function in TARGETS_MS:
        return TARGETS_MS[function]
    return SAGA_STEP_TARGET_MS if handler.startswith("handlers.saga_steps.") else None


def measure(environment: dict[str, str], runs: int = 5) -> list[ColdStart]:
    for package in ("commerce", "graphql_api", "handlers", "sagas"):
        compileall.compile_dir(ROOT / package, quiet=1)
    env = {**os.environ, **environment, "PYTHONDONTWRITEBYTECODE": "1"}
    results = []
    for function in DEPLOYMENT.functions:
        timings = []
        for _ in range(runs):
            completed = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
                [sys.executable, "-c", _PROBE, function.handler],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env=env,
            )
            timings.append(float(completed.stdout.strip().splitlines()[-1]))
        results.append(ColdStart(function.name, function.handler, timings, target_for(function.name, function.handler)))
    return results
