"""Two operations in two threads, one running at a time: at every traced call the scheduler picks who goes on.

A schedule is the list of those picks. `Schedule.run` plays one: the picks it is given first (a prefix), then
"keep running the thread that runs" wherever it was not told otherwise, and it records every pick it made and what
else it could have picked. The explorer (explorer.py) turns those alternatives into the next prefixes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# Long enough for any step of the code under test, short enough that a scheduling bug fails the run, not CI.
STALL_SECONDS = 10.0


class Aborted(BaseException):
    """Raised in an operation whose schedule was stopped (a violation was found): unwinds past `except Exception`."""


class Stopped:
    """What an operation stopped at a violation returned: nothing."""

    def __repr__(self) -> str:
        return "(stopped at the violation)"


STOPPED = Stopped()


class SchedulerStalledError(RuntimeError):
    """A thread neither reached a traced call nor ended in time: something blocked outside the scheduler's reach."""


@dataclass
class Step:
    """One traced call: which operation made it, what it was, and (once it returned) what came back."""

    thread: int
    call: str
    result: str = ""


@dataclass(frozen=True)
class Decision:
    enabled: tuple[int, ...]
    chosen: int
    running: int | None  # the thread that just reached a traced call (None at the start and after a thread ended)
    preemptions: int  # made before this decision


@dataclass
class Outcome:
    """How one schedule went: the calls in order, the picks, what each operation returned or raised."""

    steps: list[Step] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    results: list[object] = field(default_factory=lambda: [None, None])
    violation: str | None = None


class Schedule:
    """Plays one schedule of `operations` (two callables); `check` runs while every thread is paused."""

    def __init__(self, prefix: Sequence[int], check: Callable[[], str | None]) -> None:
        self.prefix = list(prefix)
        self.check = check
        self.outcome = Outcome()
        self._cond = threading.Condition()
        self._local = threading.local()
        self._turn: int | None = None
        self._waiting: dict[int, str] = {}
        self._done: set[int] = set()
        self._aborting = False

    # --- inside the operations' threads ---------------------------------------------------------------

    def traced[**P, R](self, label: str, call: Callable[P, R]) -> Callable[P, R]:
        """`call`, made a scheduling point for the operations' threads; nested traced calls are part of the outer."""

        def scheduled(*args: P.args, **kwargs: P.kwargs) -> R:
            thread: int | None = getattr(self._local, "thread", None)
            if thread is None or self._local.depth:
                return call(*args, **kwargs)
            step = self._pause(thread, f"{label}({_describe_args(args)})")
            self._local.depth += 1
            try:
                result = call(*args, **kwargs)
            except Exception as exc:
                step.result = f"raised {type(exc).__name__}"
                raise
            finally:
                self._local.depth -= 1
            step.result = describe(result)
            return result

        return scheduled

    def _pause(self, thread: int, call: str) -> Step:
        with self._cond:
            self._waiting[thread] = call
            self._turn = None
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._turn == thread or self._aborting, STALL_SECONDS):
                raise SchedulerStalledError(call)
            if self._aborting:
                raise Aborted
            return self.outcome.steps[-1]

    def _body(self, thread: int, operation: Callable[[], object]) -> None:
        self._local.thread = thread
        self._local.depth = 0
        try:
            self.outcome.results[thread] = operation()
        except Aborted:
            self.outcome.results[thread] = STOPPED
        except Exception as exc:  # an operation's refusal is an outcome the invariants judge, not a crash
            self.outcome.results[thread] = exc
        finally:
            with self._cond:
                self._done.add(thread)
                self._turn = None
                self._cond.notify_all()

    # --- in the controlling thread ---------------------------------------------------------------------

    def run(self, operations: Sequence[Callable[[], object]]) -> Outcome:
        threads = []
        for index, operation in enumerate(operations):
            # Started one by one: each runs alone up to its first traced call, so nothing runs side by side.
            thread = threading.Thread(target=self._body, args=(index, operation), daemon=True)
            threads.append(thread)
            thread.start()
            self._await_pause(index)
        running: int | None = None
        while True:
            self.outcome.violation = self.check()
            enabled = tuple(index for index in range(len(operations)) if index not in self._done)
            if self.outcome.violation is not None or not enabled:
                break
            running = self._pick(enabled, running)
        self._stop(threads)
        return self.outcome

    def _pick(self, enabled: tuple[int, ...], running: int | None) -> int:
        decisions = self.outcome.decisions
        live = running if running in enabled else None
        preemptions = decisions[-1].preemptions + _is_preemption(decisions[-1]) if decisions else 0
        index = len(decisions)
        chosen = self.prefix[index] if index < len(self.prefix) else (live if live is not None else enabled[0])
        decisions.append(Decision(enabled, chosen, live, preemptions))
        with self._cond:
            self.outcome.steps.append(Step(chosen, self._waiting.pop(chosen)))
            self._turn = chosen
            self._cond.notify_all()
        self._await_pause(chosen)
        return chosen

    def _await_pause(self, thread: int) -> None:
        """Until `thread` reaches its next traced call or ends."""
        with self._cond:
            if not self._cond.wait_for(lambda: thread in self._waiting or thread in self._done, STALL_SECONDS):
                raise SchedulerStalledError(self.outcome.steps[-1].call if self.outcome.steps else "start")

    def _stop(self, threads: list[threading.Thread]) -> None:
        with self._cond:
            self._aborting = True
            self._cond.notify_all()
        for thread in threads:
            thread.join(STALL_SECONDS)
            if thread.is_alive():
                raise SchedulerStalledError("an operation did not stop")


def _is_preemption(decision: Decision) -> bool:
    """Switching away from a thread that could have gone on."""
    return decision.running is not None and decision.chosen != decision.running


def preemption_cost(decision: Decision, alternative: int) -> int:
    """Preemptions made by the schedule that picks `alternative` at `decision`."""
    switched = decision.running is not None and alternative != decision.running
    return decision.preemptions + switched


def _describe_args(args: Sequence[Any]) -> str:
    return ", ".join(describe(arg) for arg in args)


def describe(value: object) -> str:
    """Short words for what a traced call took or returned: ids, statuses, states; never whole records."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str) and len(value) > 24:
        value = value[:20] + "…"  # hashes, keys: the start tells them apart
    if value is None or isinstance(value, bool | int | str | Stopped):
        return repr(value)
    if isinstance(value, list | tuple) and len(value) <= 3:
        return f"[{', '.join(describe(item) for item in value)}]"
    if isinstance(value, list | tuple | dict):
        return f"{type(value).__name__} of {len(value)}"
    return _describe_record(value)


def _describe_record(value: object) -> str:
    named = getattr(value, "id", None) or getattr(value, "order_id", None) or getattr(value, "key", None)
    if hasattr(value, "detail_type"):  # a domain event on its way to the bus
        return f"{type(value).__name__}({named or ''})"
    status = getattr(value, "status", None) or getattr(value, "state", None)
    words = [type(value).__name__] if named is None else [str(named)]
    if status is not None:
        words.append(str(getattr(status, "value", status)))
    return " ".join(words)
