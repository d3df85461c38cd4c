"""Every schedule of a pair up to a preemption bound (CHESS's iterative context bounding).

Each schedule is played from a fresh world: the picks of a prefix, then the default (keep the running thread).
Every pick it made where another thread was ready becomes a new prefix, if its preemptions stay within the bound.
So each schedule is played exactly once, and replaying a prefix replays the same calls: the code under test is
deterministic given the picks (one clock, one fake Stripe, no real threads side by side).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tests.interleaving.invariants import Invariants
from tests.interleaving.pairs import Pair
from tests.interleaving.scheduler import Outcome, Schedule, describe, preemption_cost
from tests.interleaving.world import World

THREAD_NAMES = "AB"


@dataclass
class Exploration:
    pair: Pair
    bound: int
    schedules: int
    seconds: float
    failure: Outcome | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None

    def report(self) -> str:
        """The failing schedule as a developer reads it: who made which call, in order, and what broke."""
        if self.failure is None:
            return f"{self.pair.name}: {self.schedules} schedules, no violation"
        return readable(self.pair, self.failure, f"schedule {self.schedules} at preemption bound {self.bound}")


def explore(pair: Pair, bound: int) -> Exploration:
    """Play every schedule of `pair` with at most `bound` preemptions; stop at the first violation.

    Fewest preemptions first (all schedules with none, then with one, ...): a failing schedule is one of the
    simplest that fail, the easiest to read.
    """
    started = time.monotonic()
    pending: list[list[list[int]]] = [[] for _ in range(bound + 1)]  # prefixes to play, by their preemptions
    pending[0].append([])
    schedules = 0
    for preemptions in range(bound + 1):
        while pending[preemptions]:
            prefix = pending[preemptions].pop()
            outcome = play(pair, prefix)
            schedules += 1
            if outcome.violation is not None:
                return Exploration(pair, bound, schedules, time.monotonic() - started, outcome)
            decisions = outcome.decisions
            for index in range(len(prefix), len(decisions)):
                decision = decisions[index]
                for alternative in decision.enabled:
                    cost = preemption_cost(decision, alternative)
                    if alternative != decision.chosen and cost <= bound:
                        pending[cost].append([d.chosen for d in decisions[:index]] + [alternative])
    return Exploration(pair, bound, schedules, time.monotonic() - started)


def play(pair: Pair, prefix: list[int]) -> Outcome:
    world = World(units=pair.scene.units)
    pair.scene.set_up(world)
    world.begin()
    invariants = Invariants(world)
    schedule = Schedule(prefix, invariants.at_each_step)
    world.trace(schedule)
    outcome = schedule.run([lambda: pair.first.run(world), lambda: pair.second.run(world)])
    if outcome.violation is None:
        outcome.violation = _crash(pair, outcome)
    if outcome.violation is None:
        try:
            world.settle()
        except Exception as exc:
            outcome.violation = f"the bus's delivery afterwards raised {exc!r}"
        else:
            outcome.violation = invariants.at_the_end()
    return outcome


def _crash(pair: Pair, outcome: Outcome) -> str | None:
    """An operation may refuse (with one of its `refusals`: a DomainError by default); any other exception is a bug."""
    for operation, result in zip((pair.first, pair.second), outcome.results, strict=True):
        if isinstance(result, Exception) and not isinstance(result, operation.refusals):
            return f"no crash: {operation.name} raised {result!r}"
    return None


def readable(pair: Pair, outcome: Outcome, which: str) -> str:
    names = (pair.first.name, pair.second.name)
    lines = [
        f"{pair.name} on {pair.scene.name}: {which}",
        f"  violated: {outcome.violation}",
        f"  {THREAD_NAMES[0]} = {names[0]}, {THREAD_NAMES[1]} = {names[1]}",
    ]
    for number, step in enumerate(outcome.steps, 1):
        shown = f"{step.call} → {step.result}" if step.result else f"{step.call} (paused before it)"
        lines.append(f"  {number:>3}  {THREAD_NAMES[step.thread]}  {shown}")
    for thread, result in enumerate(outcome.results):
        said = f"raised {type(result).__name__}: {result}" if isinstance(result, Exception) else describe(result)
        lines.append(f"  {THREAD_NAMES[thread]} ended: {said}")
    return "\n".join(lines)
