"""Cold start: a fresh interpreter importing each Lambda handler module (imports plus module-level setup), then,
for the functions with a target, its first invocation.

Each measurement is a new process with the local cloud's environment, so module-level code that needs
configuration runs as it would in a Lambda's init phase. Bytecode is compiled first, as the bundle ships it.
Services are built, and their modules imported, on first use: the first invocation (a real request against the
local cloud: a products page, an unsigned webhook, a saga step for an order that does not exist) pays for what its
path imports then, so "init + first call" is the cold start a caller waits for, network calls to moto included.
For each handler module, one more process runs with `python -X importtime`: the packages whose own import time
(summed over their modules) is largest are where a cold start goes.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.deployment import DEPLOYMENT

ROOT = Path(__file__).resolve().parents[1]

# Targets on this machine, from the performance issue.
TARGETS_MS = {"api": 250.0, "stripe-webhook": 200.0}
SAGA_STEP_TARGET_MS = 200.0

_PROBE = """
import importlib, json, sys, time
started = time.perf_counter()
module, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module), attribute)
init = (time.perf_counter() - started) * 1000
first_call = None
if len(sys.argv) > 2:
    from bench.coldstart import first_event
    from tests.integration.graphql_transport import FakeLambdaContext
    event = first_event(sys.argv[2])
    try:
        handler(event, FakeLambdaContext())
    except Exception:  # a saga step for a missing order fails, as it should: its path is loaded all the same
        pass
    first_call = (time.perf_counter() - started) * 1000
print(json.dumps([init, first_call]))
"""


def as_on_lambda(function: str) -> dict[str, str]:
    """What Lambda's environment tells the libraries: the X-Ray SDK then samples per the invocation's trace header
    (its LocalSampler) instead of building clients to poll sampling rules, as it does off Lambda (~0.6 s here)."""
    return {
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "_X_AMZN_TRACE_ID": "Root=1-67a1b2c3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1",
    }


def first_event(kind: str) -> dict[str, Any]:
    """The first invocation's event, by kind: what each targeted function receives on its busiest path."""
    from tests.integration.graphql_transport import http_api_event

    if kind == "api":
        query = b'{"query": "{ products(first: 20) { edges { node { id name availability { state } } } } }"}'
        return http_api_event("POST", "/graphql", query, {"content-type": "application/json"})
    if kind == "webhook":
        return http_api_event("POST", "/webhooks/stripe", b"{}", {"content-type": "application/json"})
    return {"order_id": "ord_coldstart_probe", "execution": "coldstart-probe"}


def first_call_kind(function: str, handler: str) -> str | None:
    if function == "api":
        return "api"
    if function == "stripe-webhook":
        return "webhook"
    return "saga-step" if handler.startswith("handlers.saga_steps.") else None


@dataclass
class ColdStart:
    function: str
    handler: str
    runs_ms: list[float]
    target_ms: float | None
    offenders: list[tuple[str, float]] = field(default_factory=list)  # (top-level package, ms of own imports)
    first_call_ms: list[float] = field(default_factory=list)  # init plus the first invocation, where measured

    @property
    def first_call_median_ms(self) -> float | None:
        return statistics.median(self.first_call_ms) if self.first_call_ms else None

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


def measure(environment: dict[str, str], runs: int = 5, offenders: int = 5) -> list[ColdStart]:
    for package in ("commerce", "graphql_api", "handlers", "sagas"):
        compileall.compile_dir(ROOT / package, quiet=1)
    env = {**os.environ, **environment, "PYTHONDONTWRITEBYTECODE": "1"}
    results = []
    by_module: dict[str, list[tuple[str, float]]] = {}
    for function in DEPLOYMENT.functions:
        module = function.handler.rpartition(".")[0]
        if module not in by_module:
            by_module[module] = import_offenders(module, env)[:offenders]
        kind = first_call_kind(function.name, function.handler)
        lambda_env = {**env, **as_on_lambda(function.name)}
        probes = [
            json.loads(in_fresh_interpreter(_PROBE, function.handler, lambda_env, *([kind] if kind else [])))
            for _ in range(runs)
        ]
        target = target_for(function.name, function.handler)
        first_calls = [float(total) for _, total in probes if total is not None]
        timings = [float(init) for init, _ in probes]
        results.append(ColdStart(function.name, function.handler, timings, target, by_module[module], first_calls))
    return results


def in_fresh_interpreter(probe: str, handler: str, env: dict[str, str], *more: str) -> str:
    """Run `probe` (Python source given the handler string as argv[1]) in a new process; its last line of output."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
        [sys.executable, "-c", probe, handler, *more], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return completed.stdout.strip().splitlines()[-1]


def import_offenders(module: str, env: dict[str, str]) -> list[tuple[str, float]]:
    """Top-level packages by the time their own modules took to import (`-X importtime` self times), largest first."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter importing our own module
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return package_import_times(completed.stderr)


def package_import_times(importtime_output: str) -> list[tuple[str, float]]:
    """From `-X importtime` lines ("import time: <self us> | <cumulative us> | <indented module>")."""
    own: Counter[str] = Counter()
    for line in importtime_output.splitlines():
        if not line.startswith("import time:"):
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        if self_us.strip().isdigit():
            own[name.strip().split(".")[0]] += int(self_us)
    return [(package, us / 1000) for package, us in own.most_common()]
