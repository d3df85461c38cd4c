"""The pipeline figures: repeated runs, each in a fresh process on a fresh local cloud, combined.

One run with orders one at a time measures what an order uses (calls, request units, durations) for the cost model;
`runs` loaded runs with C shoppers measure throughput and latency; with `profile`, one more loaded run samples every
thread's stack (it costs some CPU itself, so its throughput is not counted).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import Spread, percentile

ROOT = Path(__file__).resolve().parents[1]


class PipelineRunError(RuntimeError):
    """A pipeline run's process failed; carries the end of what it printed."""


@dataclass
class PipelineResults:
    one_at_a_time: dict[str, Any]
    loaded: list[dict[str, Any]]
    profiled: dict[str, Any] | None

    def throughput(self) -> Spread:
        return Spread.of([run["orders_per_second"] for run in self.loaded])

    def latency(self, milestone: str, fraction: float) -> Spread:
        """Per run, the `fraction` percentile of payment → milestone; its spread over the runs."""
        return Spread.of([percentile(run[f"payment_to_{milestone}_s"], fraction) for run in self.loaded])

    def cpu_ms_per_order(self) -> dict[str, Spread]:
        buckets = {name for run in self.loaded for name in run["cpu_ms_per_order"]}
        return {
            name: Spread.of([run["cpu_ms_per_order"].get(name, 0.0) for run in self.loaded])
            for name in sorted(buckets, key=lambda n: -self.loaded[0]["cpu_ms_per_order"].get(n, 0.0))
        }

    def cores(self, key: str) -> Spread:
        return Spread.of([run["cpu"][key] for run in self.loaded])

    def lock_held_share(self) -> Spread:
        return Spread.of([run["dynamodb_lock"]["held_share"] for run in self.loaded])

    def as_json(self) -> dict[str, Any]:
        return {
            "orders_per_second": self.throughput().as_json(),
            "payment_to_shipped_p50_s": self.latency("shipped", 0.5).as_json(),
            "payment_to_shipped_p95_s": self.latency("shipped", 0.95).as_json(),
            "payment_to_fulfilled_p50_s": self.latency("fulfilled", 0.5).as_json(),
            "process_cores": self.cores("process_cores").as_json(),
            "machine_cores_busy": self.cores("machine_cores").as_json(),
            "dynamodb_lock_held_share": self.lock_held_share().as_json(),
            "cpu_ms_per_order": {name: spread.as_json(1) for name, spread in self.cpu_ms_per_order().items()},
            "runs": self.loaded,
            "one_at_a_time": self.one_at_a_time,
            "profiled": self.profiled,
        }


def measure(
    *, orders: int, shoppers: int, runs: int, cost_orders: int, request_samples: int, profile: bool
) -> PipelineResults:
    one_at_a_time = run_in_process(
        ["--orders", str(cost_orders), "--shoppers", "1", "--one-at-a-time", "--request-samples", str(request_samples)]
    )
    loaded = [
        run_in_process(["--orders", str(orders), "--shoppers", str(shoppers), "--seed", str(seed)])
        for seed in range(1, runs + 1)
    ]
    profiled = run_in_process(["--orders", str(orders), "--shoppers", str(shoppers), "--profile"]) if profile else None
    return PipelineResults(one_at_a_time, loaded, profiled)


def run_in_process(arguments: Sequence[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        out = Path(folder) / "run.json"
        completed = subprocess.run(  # noqa: S603 - our own interpreter running our own module
            [sys.executable, "-m", "bench.pipeline_process", *arguments, "--out", str(out)],
            cwd=ROOT,
            # The handlers print CloudWatch EMF lines, localstripe logs every webhook: keep what explains a failure.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise PipelineRunError(f"pipeline run {' '.join(arguments)} failed:\n{completed.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(out.read_text())
    return result
