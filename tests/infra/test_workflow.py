"""The deployed saga is, byte for byte, the JSON the local cloud runs: `render()` of the deployed function ARNs."""

from __future__ import annotations

import json

from infra.deployment import DEPLOYMENT
from sagas.fulfillment import STEPS, render
from tests.infra.program import Program

APP = "fulfillment-test"
MACHINE = "aws:sfn/stateMachine:StateMachine"


def deployed_function_arns(program: Program) -> dict[str, str]:
    return {
        function.name: program.one("aws:lambda/function:Function", f"{APP}-{function.name}").state["arn"]
        for function in DEPLOYMENT.functions
    }


def test_the_deployed_definition_is_render_of_the_deployed_arns_byte_for_byte(program: Program) -> None:
    machine = program.one(MACHINE, f"{APP}-fulfillment")
    expected = render(deployed_function_arns(program), program.outputs["busName"])
    assert machine.inputs["definition"] == expected


def test_every_step_invokes_the_deployed_function_described_for_it(program: Program) -> None:
    states = json.loads(program.one(MACHINE, f"{APP}-fulfillment").inputs["definition"])["States"]
    arns = deployed_function_arns(program)
    for step, function in STEPS.items():
        assert states[step]["Parameters"]["FunctionName"] == arns[function], step
    compensation = states["RequestCompensation"]["Parameters"]["Entries"][0]
    assert compensation["EventBusName"] == program.outputs["busName"]


def test_the_saga_is_a_standard_workflow_with_logging_and_tracing(program: Program) -> None:
    machine = program.one(MACHINE, f"{APP}-fulfillment")
    assert machine.inputs["type"] == "EXPRESS", "billed per request and duration, not per state transition"
    log_group = program.one("aws:cloudwatch/logGroup:LogGroup", f"{APP}-fulfillment")
    assert log_group.inputs["name"] == f"/aws/vendedlogs/states/{APP}-fulfillment"
    assert log_group.inputs["retentionInDays"] == 30
    logging = machine.inputs["loggingConfiguration"]
    assert logging["logDestination"] == f"{log_group.state['arn']}:*"
    assert logging["level"] == "ERROR" and logging["includeExecutionData"] is True
    assert machine.inputs["tracingConfiguration"] == {"enabled": True}
    role = program.one("aws:iam/role:Role", f"{APP}-fulfillment")
    assert machine.inputs["roleArn"] == role.state["arn"]


def test_names_given_in_advance_are_the_names_deployed(program: Program) -> None:
    """Functions learn the saga's and the bus's ARNs before those exist: the prediction must be exact."""
    machine = program.one(MACHINE, f"{APP}-fulfillment")
    bus = program.one("aws:cloudwatch/eventBus:EventBus", f"{APP}-{DEPLOYMENT.bus_name}")
    saga_starter = next(f for f in DEPLOYMENT.functions if f.starts_workflows)
    environment = program.one("aws:lambda/function:Function", f"{APP}-{saga_starter.name}").inputs["environment"]
    assert environment["variables"]["FULFILLMENT_STATE_MACHINE_ARN"] == machine.state["arn"]
    publisher = next(f for f in DEPLOYMENT.functions if f.publishes_events)
    policy = program.one("aws:iam/rolePolicy:RolePolicy", f"{APP}-{publisher.name}")
    granted = [s for s in json.loads(policy.inputs["policy"])["Statement"] if "events:PutEvents" in s["Action"]]
    assert granted[0]["Resource"] == [bus.state["arn"]]
