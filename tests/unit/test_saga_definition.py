from __future__ import annotations

import json

from sagas.fulfillment import COMPENSABLE, STEPS, TRANSIENT_ERRORS, definition, render

ARNS = {name: f"arn:aws:lambda:us-east-1:123456789012:function:test-{name}" for name in STEPS.values()}


def test_rendering_twice_gives_the_same_bytes() -> None:
    assert render(ARNS, "orders") == render(dict(reversed(ARNS.items())), "orders")


def test_the_steps_run_in_the_saga_order_and_end_fulfilled() -> None:
    states = definition(ARNS, "orders")["States"]
    step, seen = definition(ARNS, "orders")["StartAt"], []
    while True:
        seen.append(step)
        if states[step].get("End"):
            break
        step = states[step]["Next"]
    assert seen == ["ReserveInventory", "CapturePayment", "AllocateShipment", "NotifyCustomer", "MarkFulfilled"]


def test_each_task_invokes_its_described_function_and_retries_only_transient_errors() -> None:
    states = definition(ARNS, "orders")["States"]
    for step, function in STEPS.items():
        task = states[step]
        assert task["Parameters"]["FunctionName"] == ARNS[function]
        (retry,) = task["Retry"]
        assert retry["ErrorEquals"] == TRANSIENT_ERRORS
        assert "States.ALL" not in retry["ErrorEquals"]
        assert retry["JitterStrategy"] == "FULL" and retry["BackoffRate"] > 1


def test_a_failure_before_shipping_requests_compensation_on_the_bus_then_fails() -> None:
    states = definition(ARNS, "orders")["States"]
    for step in COMPENSABLE:
        (catch,) = states[step]["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"]
        marker = states[catch["Next"]]
        assert marker["Result"] == step and marker["Next"] == "RequestCompensation"
    request = states["RequestCompensation"]
    assert request["Resource"] == "arn:aws:states:::events:putEvents"
    (entry,) = request["Parameters"]["Entries"]
    assert (entry["EventBusName"], entry["DetailType"]) == ("orders", "CompensationRequested")
    assert states[request["Next"]]["Type"] == "Fail"


def test_a_failed_email_never_compensates_a_shipped_order() -> None:
    states = definition(ARNS, "orders")["States"]
    assert states["NotifyCustomer"]["Catch"][0]["Next"] == "MarkFulfilled"
    assert "Catch" not in states["MarkFulfilled"]
    assert "NotifyCustomer" not in COMPENSABLE and "MarkFulfilled" not in COMPENSABLE


def test_the_json_is_valid_amazon_states_language_shape() -> None:
    document = json.loads(render(ARNS, "orders"))
    assert document["StartAt"] in document["States"]
    for name, state in document["States"].items():
        for key in ("Next",):
            if key in state:
                assert state[key] in document["States"], f"{name} points at a missing state"
