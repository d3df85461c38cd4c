"""The deployed saga ends inside Express's five minutes at its worst, with margin: computed from its definition."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commerce.settings import Settings
from sagas.fulfillment import EXPRESS_LIMIT_SECONDS, STEPS
from tests.infra.program import Program
from tests.infra.time_budget import UnboundedError, every_task_at_its_worst, longest_path, task_worst_case

APP = "fulfillment-test"
MACHINE = "aws:sfn/stateMachine:StateMachine"
FUNCTION = "aws:lambda/function:Function"
# Step Functions' own latency (starting each state, invoking Lambda, a cold start's init) is not in the figures:
# a fifth of the limit is left for it.
MARGIN_SECONDS = 60


def deployed_machine(program: Program) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(program.one(MACHINE, f"{APP}-fulfillment").inputs["definition"])
    return definition


def test_every_task_at_its_worst_one_after_the_other_ends_a_minute_before_the_express_limit(program: Program) -> None:
    """The bound asked for: all five steps and RequestCompensation each exhaust their retries, every attempt
    running to its timeout and every pause at its cap; no execution can take longer (see the next test)."""
    worst = every_task_at_its_worst(deployed_machine(program))
    assert worst <= EXPRESS_LIMIT_SECONDS - MARGIN_SECONDS, f"{worst} s at worst"


def test_the_slowest_path_through_the_saga_is_within_that_bound(program: Program) -> None:
    machine = deployed_machine(program)
    slowest, path = longest_path(machine)
    assert slowest <= every_task_at_its_worst(machine)
    assert [state for state in path if machine["States"][state]["Type"] == "Task"] == list(STEPS), path


def test_the_compensation_request_is_bounded_and_retries_what_eventbridge_answers(program: Program) -> None:
    request = deployed_machine(program)["States"]["RequestCompensation"]
    (retrier,) = request["Retry"]
    # The optimized integration's own error, and the wildcards that cover EventBridge's service errors.
    assert {"EventBridge.FailedEntry", "States.TaskFailed", "States.Timeout"} <= set(retrier["ErrorEquals"])
    assert task_worst_case("RequestCompensation", request) < 60


def test_every_saga_step_times_out_when_its_lambda_does(program: Program) -> None:
    """A shorter task timeout retries while the abandoned attempt still runs; a longer one waits for nothing."""
    states = deployed_machine(program)["States"]
    for step, function in STEPS.items():
        deployed = program.one(FUNCTION, f"{APP}-{function}")
        assert states[step]["Parameters"]["FunctionName"] == deployed.state["arn"], step
        assert states[step]["TimeoutSeconds"] == deployed.inputs["timeout"], f"{step} and {deployed}"


def test_the_recovery_sweep_waits_longer_than_any_execution_can_run(program: Program) -> None:
    """It re-runs the saga of an order unchanged for that long: no execution for it may still be running."""
    sweep = program.one(FUNCTION, f"{APP}-redrive-stuck-orders")
    settings = Settings.from_env(sweep.inputs["environment"]["variables"])
    assert settings.stuck_order_minutes * 60 > EXPRESS_LIMIT_SECONDS


def test_a_task_retried_with_backoff_counts_every_attempt_and_every_capped_pause() -> None:
    retriers: list[dict[str, Any]] = [
        {"ErrorEquals": ["A"], "MaxAttempts": 4, "IntervalSeconds": 1, "BackoffRate": 3.0},
    ]
    task = {"Type": "Task", "TimeoutSeconds": 10, "Retry": retriers}
    assert task_worst_case("T", task) == 5 * 10 + (1 + 3 + 9 + 27)
    retriers[0]["MaxDelaySeconds"] = 5
    assert task_worst_case("T", task) == 5 * 10 + (1 + 3 + 5 + 5)
    retriers.append({"ErrorEquals": ["B"]})  # defaults: 3 more attempts, pauses of 1, 2 and 4 s
    assert task_worst_case("T", task) == 8 * 10 + (1 + 3 + 5 + 5) + (1 + 2 + 4)


@pytest.mark.parametrize(
    "states",
    [
        {"T": {"Type": "Task", "End": True}},
        {"T": {"Type": "Task", "TimeoutSeconds": 1, "Next": "Again"}, "Again": {"Type": "Pass", "Next": "T"}},
    ],
    ids=["a task without a timeout", "a loop"],
)
def test_a_machine_that_could_run_forever_has_no_worst_case(states: dict[str, Any]) -> None:
    with pytest.raises(UnboundedError):
        longest_path({"StartAt": "T", "States": states})
