"""The longest an execution of an Amazon States Language definition can take, read from the definition itself.

A Task's worst case: every attempt runs to its `TimeoutSeconds`, every retrier is exhausted (errors that match
different retriers in turn exhaust each of them: Step Functions counts attempts per retrier), and every pause is
at its cap (full jitter waits a random time up to min(IntervalSeconds * BackoffRate^(n-1), MaxDelaySeconds)).
Defaults are the States Language's: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no MaxDelaySeconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

_INSTANT = frozenset({"Pass", "Choice", "Succeed", "Fail"})


class UnboundedError(AssertionError):
    """The definition lets an execution run without limit (a Task without TimeoutSeconds, a loop)."""


def task_worst_case(name: str, task: Mapping[str, Any]) -> float:
    timeout = task.get("TimeoutSeconds")
    if not isinstance(timeout, int | float):
        # Without it a Task waits 99,999,999 s: only the Express limit would end it, with no Catch.
        raise UnboundedError(f"{name} has no TimeoutSeconds")
    attempts, pauses = 1, 0.0
    for retrier in task.get("Retry", []):
        retries = retrier.get("MaxAttempts", 3)
        interval, rate = retrier.get("IntervalSeconds", 1), retrier.get("BackoffRate", 2.0)
        cap = retrier.get("MaxDelaySeconds", math.inf)
        attempts += retries
        pauses += sum(min(interval * rate**n, cap) for n in range(retries))
    return attempts * timeout + pauses


def state_worst_case(name: str, state: Mapping[str, Any]) -> float:
    kind = state["Type"]
    if kind == "Task":
        return task_worst_case(name, state)
    if kind == "Wait" and "Seconds" in state:
        return float(state["Seconds"])
    if kind in _INSTANT:
        return 0.0
    raise UnboundedError(f"{name}: cannot bound a {kind} state")


def every_task_at_its_worst(machine: Mapping[str, Any]) -> float:
    """Every Task of the machine at its worst one after the other, as if one execution could pass them all."""
    return sum(task_worst_case(name, state) for name, state in machine["States"].items() if state["Type"] == "Task")


def longest_path(machine: Mapping[str, Any]) -> tuple[float, list[str]]:
    """The slowest way through the machine, each state at its worst, and the states on it."""
    states: Mapping[str, Any] = machine["States"]

    def walk(name: str, visiting: frozenset[str]) -> tuple[float, list[str]]:
        if name in visiting:
            raise UnboundedError(f"{name} can be reached again: a loop")
        state = states[name]
        own = state_worst_case(name, state)
        onward = [walk(following, visiting | {name}) for following in _next_states(state)]
        slowest, path = max(onward, default=(0.0, []), key=lambda found: found[0])
        return own + slowest, [name, *path]

    return walk(machine["StartAt"], frozenset())


def _next_states(state: Mapping[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    for catcher in state.get("Catch", []):
        yield catcher["Next"]
    for choice in state.get("Choices", []):
        yield choice["Next"]
    if "Default" in state:
        yield state["Default"]
