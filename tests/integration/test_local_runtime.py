"""The local Lambda runtime and EventBridge rule delivery, against moto's real Step Functions interpreter."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from infra.deployment import Deployment, Function, Rule
from infra.local import event_delivery, lambda_runtime
from infra.local.aws import REGION
from infra.local.background import BackgroundWork
from infra.local.event_bus import create_bus_and_rules
from infra.local.event_delivery import EventDelivery
from infra.local.functions import function_arns, local_functions
from infra.local.lambda_runtime import LocalFunction, LocalLambdaRuntime
from infra.local.saga_task_clients import reuse_task_clients
from tests.integration import sample_handlers as handlers

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_stepfunctions import SFNClient
    from mypy_boto3_stepfunctions.type_defs import DescribeExecutionOutputTypeDef

    from infra.local.cloud import LocalCloud

pytestmark = pytest.mark.integration

PREFIX = "runtime-test"
BUS = "runtime-test-orders"
ROLE_ARN = "arn:aws:iam::123456789012:role/runtime-test-states"  # moto requires one and checks nothing


def _function(name: str) -> Function:
    return Function(name, handler=f"{handlers.__name__}.{name}", description=f"test handler {name}")


DEPLOYMENT = Deployment(
    tables=(),
    functions=(
        *(_function(name) for name in ("echo", "fails_twice_then_succeeds", "always_fails", "record")),
        _function("returns_unserialisable"),
        Function("not_importable", handler="tests.no_such_module.handler", description="a broken bundle"),
    ),
    rules=(
        Rule(
            "shipped-orders-are-recorded",
            description="a Lambda target",
            pattern={"source": ["test.saga"], "detail-type": ["OrderShipped"]},
            target_function="record",
        ),
        Rule(
            "authorized-payments-start-the-saga",
            description="a state machine target",
            pattern={"source": ["test.payments"], "detail-type": ["PaymentAuthorized"]},
            target_state_machine="echo-saga",
        ),
        Rule(
            "refund-requests-go-to-a-failing-function",
            description="a Lambda target that always raises",
            pattern={"detail-type": ["RefundRequested"]},
            target_function="always_fails",
        ),
    ),
    bus_name=BUS,
)
ARNS = function_arns(DEPLOYMENT, PREFIX)


@dataclass
class Cloud:
    runtime: LocalLambdaRuntime
    delivery: EventDelivery
    states: SFNClient
    events: EventBridgeClient
    lambda_: LambdaClient
    echo_saga_arn: str

    def create_state_machine(self, definition: dict[str, Any]) -> str:
        name = f"sm-{uuid.uuid4().hex[:12]}"
        created = self.states.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
        return created["stateMachineArn"]

    def run(self, state_machine_arn: str, execution_input: dict[str, Any]) -> DescribeExecutionOutputTypeDef:
        started = self.states.start_execution(stateMachineArn=state_machine_arn, input=json.dumps(execution_input))
        return finished_execution(self.states, started["executionArn"])

    def put_event(self, source: str, detail_type: str, detail: dict[str, Any]) -> str:
        answer = self.events.put_events(
            Entries=[{"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": BUS}]
        )
        assert answer["FailedEntryCount"] == 0, answer
        return answer["Entries"][0]["EventId"]

    def execution_inputs(self, state_machine_arn: str) -> list[dict[str, Any]]:
        executions = self.states.list_executions(stateMachineArn=state_machine_arn)["executions"]
        described = [self.states.describe_execution(executionArn=e["executionArn"]) for e in executions]
        return [json.loads(execution["input"]) for execution in described]

    def saga_inputs_for(self, order_id: str) -> list[dict[str, Any]]:
        """Inputs of echo-saga executions started by an event about `order_id`."""
        inputs = self.execution_inputs(self.echo_saga_arn)
        return [i for i in inputs if i.get("detail", {}).get("order_id") == order_id]


def finished_execution(states: SFNClient, execution_arn: str, timeout: float = 20.0) -> DescribeExecutionOutputTypeDef:
    deadline = time.monotonic() + timeout
    while True:
        execution = states.describe_execution(executionArn=execution_arn)
        if execution["status"] != "RUNNING":
            return execution
        if time.monotonic() > deadline:
            raise AssertionError(f"{execution_arn} still RUNNING after {timeout} s")
        time.sleep(0.05)


def lambda_task(function: str, **fields: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": ARNS[function], "Payload.$": "$"},
        "ResultSelector": {"result.$": "$.Payload"},
        "OutputPath": "$.result",
        **fields,
    }


def single_task_machine(task: dict[str, Any], **states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "Task", "States": {"Task": task, **states}}


@pytest.fixture(scope="module")
def cloud(local_cloud: LocalCloud) -> Iterator[Cloud]:
    """This module's functions, bus and rules on the session's moto (one server: moto's state is per process)."""
    # Short backoff: the retry protocol is what matters here, not EventBridge's real delays.
    runtime = lambda_runtime.install(local_functions(DEPLOYMENT, PREFIX), work=BackgroundWork(backoff_s=0.05))
    states = boto3.client("stepfunctions", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    delivery = event_delivery.install(runtime, states)
    echo_saga = states.create_state_machine(
        name=f"{PREFIX}-echo-saga",
        definition=json.dumps(single_task_machine(lambda_task("echo", End=True))),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    create_bus_and_rules(events, DEPLOYMENT, {"echo-saga": echo_saga}, ARNS)
    try:
        yield Cloud(runtime, delivery, states, events, boto3.client("lambda", region_name=REGION), echo_saga)
    finally:
        event_delivery.uninstall()
        lambda_runtime.uninstall()


def test_a_lambda_invoke_task_runs_the_python_handler_in_process_and_returns_its_output(cloud: Cloud) -> None:
    execution = cloud.run(cloud.echo_saga_arn, {"order_id": "o-1"})

    assert execution["status"] == "SUCCEEDED"
    output = json.loads(execution["output"])
    assert output["echo"] == {"order_id": "o-1"}
    assert output["function_name"] == f"{PREFIX}-echo"
    assert output["invoked_function_arn"] == ARNS["echo"]
    assert 0 < output["remaining_ms"] <= 15_000


def test_a_task_whose_handler_raises_a_transient_error_twice_is_retried_until_it_succeeds(cloud: Cloud) -> None:
    key = uuid.uuid4().hex
    retry = [{"ErrorEquals": ["TransientError"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1}]
    machine = cloud.create_state_machine(
        single_task_machine(lambda_task("fails_twice_then_succeeds", Retry=retry, End=True))
    )

    execution = cloud.run(machine, {"key": key})

    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    assert json.loads(execution["output"]) == {"attempts": 3}
    assert handlers.attempts[key] == 3


@pytest.mark.parametrize("catch_errors", [["States.ALL"], ["States.TaskFailed"]])
def test_a_permanent_error_is_not_retried_and_its_name_and_cause_reach_the_catching_state(
    cloud: Cloud, catch_errors: list[str]
) -> None:
    key = uuid.uuid4().hex
    task = lambda_task(
        "always_fails",
        Retry=[{"ErrorEquals": ["TransientError"], "IntervalSeconds": 1, "MaxAttempts": 3}],
        Catch=[{"ErrorEquals": catch_errors, "ResultPath": "$.error", "Next": "Compensate"}],
        End=True,
    )
    machine = cloud.create_state_machine(single_task_machine(task, Compensate={"Type": "Pass", "End": True}))

    execution = cloud.run(machine, {"key": key, "order_id": "o-2"})

    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    output = json.loads(execution["output"])
    assert output["error"]["Error"] == "PermanentError"
    cause = json.loads(output["error"]["Cause"])
    assert cause["errorType"] == "PermanentError"
    assert cause["errorMessage"] == "card declined for order o-2"
    assert any("always_fails" in frame for frame in cause["stackTrace"])
    assert handlers.attempts[key] == 1


def test_an_uncaught_handler_error_fails_the_execution_with_the_handler_error_name(cloud: Cloud) -> None:
    machine = cloud.create_state_machine(single_task_machine(lambda_task("always_fails", End=True)))

    execution = cloud.run(machine, {"order_id": "o-3"})

    assert execution["status"] == "FAILED"
    assert execution["error"] == "PermanentError"
    assert json.loads(execution["cause"])["errorMessage"] == "card declined for order o-3"


def test_an_event_put_by_a_state_machine_is_delivered_to_the_lambda_target_of_the_matching_rule(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex
    put_event = {
        "Type": "Task",
        "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {
            "Entries": [
                {
                    "Source": "test.saga",
                    "DetailType": "OrderShipped",
                    "EventBusName": BUS,
                    "Detail": {"order_id.$": "$.order_id"},
                }
            ]
        },
        "End": True,
    }
    machine = cloud.create_state_machine(single_task_machine(put_event))

    execution = cloud.run(machine, {"order_id": order_id})
    cloud.delivery.wait_idle(10)

    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    [event] = handlers.received_with("order_id", order_id)
    assert event["source"] == "test.saga"
    assert event["detail-type"] == "OrderShipped"
    assert event["account"] == "123456789012"
    assert event["region"] == REGION
    assert event["time"].endswith("Z")
    assert execution["executionArn"] in event["resources"]  # Step Functions adds its execution, as on AWS


def test_an_event_put_from_code_starts_the_state_machine_targeted_by_the_matching_rule(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex

    event_id = cloud.put_event("test.payments", "PaymentAuthorized", {"order_id": order_id})
    cloud.delivery.wait_idle(10)

    [saga_input] = cloud.saga_inputs_for(order_id)
    assert saga_input["id"] == event_id
    assert saga_input["detail-type"] == "PaymentAuthorized"
    assert saga_input["source"] == "test.payments"
    assert {"version", "account", "time", "region", "resources"} <= saga_input.keys()


def test_an_event_matching_no_rule_is_delivered_nowhere(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex
    deliveries_before = len(cloud.delivery.deliveries)

    event_id = cloud.put_event("test.payments", "PaymentDeclined", {"order_id": order_id})
    cloud.delivery.wait_idle(10)

    assert [d for d in cloud.delivery.deliveries[deliveries_before:] if d.event_id == event_id] == []
    assert cloud.saga_inputs_for(order_id) == []


def test_a_target_with_an_input_path_receives_only_that_part_of_the_event(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex
    cloud.events.put_rule(
        Name="invoices-by-detail", EventBusName=BUS, EventPattern='{"detail-type": ["InvoiceIssued"]}'
    )
    cloud.events.put_targets(
        Rule="invoices-by-detail",
        EventBusName=BUS,
        Targets=[{"Id": "saga", "Arn": cloud.echo_saga_arn, "InputPath": "$.detail"}],
    )

    cloud.put_event("test.billing", "InvoiceIssued", {"order_id": order_id})
    cloud.delivery.wait_idle(10)

    assert {"order_id": order_id} in cloud.execution_inputs(cloud.echo_saga_arn)


def test_a_disabled_rule_delivers_nothing(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex
    cloud.events.put_rule(
        Name="disabled-recorder", EventBusName=BUS, EventPattern='{"detail-type": ["OrderArchived"]}', State="DISABLED"
    )
    cloud.events.put_targets(
        Rule="disabled-recorder", EventBusName=BUS, Targets=[{"Id": "record", "Arn": ARNS["record"]}]
    )

    cloud.put_event("test.saga", "OrderArchived", {"order_id": order_id})
    cloud.delivery.wait_idle(10)

    assert handlers.received_with("order_id", order_id) == []


def test_a_target_that_keeps_failing_is_retried_then_recorded_as_a_failure(cloud: Cloud) -> None:
    key = uuid.uuid4().hex

    event_id = cloud.put_event("test.payments", "RefundRequested", {"key": key})
    cloud.delivery.wait_idle(10)

    [failure] = [f for f in cloud.delivery.failures if event_id in f.target]
    assert failure.error_type == "PermanentError"
    assert failure.attempts == 3
    assert handlers.attempts[key] == 3


def test_an_asynchronous_invoke_answers_202_at_once_and_runs_the_handler_in_the_background(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex

    answer = cloud.lambda_.invoke(
        FunctionName=ARNS["record"], InvocationType="Event", Payload=json.dumps({"order_id": order_id})
    )
    cloud.runtime.wait_idle(10)

    assert answer["StatusCode"] == 202
    assert handlers.received_with("order_id", order_id) == [{"order_id": order_id}]
    request_id = answer["ResponseMetadata"]["RequestId"]
    [invocation] = [i for i in cloud.runtime.invocations if i.request_id == request_id]
    assert (invocation.function_name, invocation.invocation_type, invocation.error_type) == (
        f"{PREFIX}-record",
        "Event",
        None,
    )


def test_a_direct_invoke_by_name_with_a_qualifier_returns_the_handler_result(cloud: Cloud) -> None:
    answer = cloud.lambda_.invoke(FunctionName=f"{PREFIX}-echo:live", Payload=b'{"n": 1}')

    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read())["echo"] == {"n": 1}


@pytest.mark.parametrize(
    ("function", "error_type"),
    [
        ("always_fails", "PermanentError"),
        ("returns_unserialisable", "Runtime.MarshalError"),
        ("not_importable", "Runtime.ImportModuleError"),
    ],
)
def test_a_failed_invoke_answers_200_with_an_unhandled_function_error_named_like_on_aws(
    cloud: Cloud, function: str, error_type: str
) -> None:
    answer = cloud.lambda_.invoke(FunctionName=ARNS[function], Payload=b"{}")

    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert json.loads(answer["Payload"].read())["errorType"] == error_type
    assert cloud.runtime.invocations[-1].error_type == error_type


def test_a_function_the_runtime_does_not_know_is_left_to_moto_which_does_not_find_it(cloud: Cloud) -> None:
    with pytest.raises(ClientError) as raised:
        cloud.lambda_.invoke(FunctionName="no-such-function", Payload=b"{}")

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_uninstalling_a_runtime_installed_on_top_restores_the_one_before(cloud: Cloud) -> None:
    order_id = uuid.uuid4().hex
    lambda_runtime.install([LocalFunction(f"{PREFIX}-echo", handler=f"{handlers.__name__}.record")])
    try:
        # botocore copies the session's hooks into a client when it is made: a new client sees the new runtime.
        boto3.client("lambda", region_name=REGION).invoke(
            FunctionName=f"{PREFIX}-echo", Payload=json.dumps({"order_id": order_id})
        )
    finally:
        lambda_runtime.uninstall()

    assert lambda_runtime.installed() is cloud.runtime
    assert handlers.received_with("order_id", order_id) == [{"order_id": order_id}]
    answer = boto3.client("lambda", region_name=REGION).invoke(FunctionName=f"{PREFIX}-echo", Payload=b"{}")
    assert json.loads(answer["Payload"].read())["echo"] == {}


def test_step_functions_tasks_share_one_lambda_client_per_runtime_and_reach_the_runtime_installed_now(
    cloud: Cloud,
) -> None:
    reuse_task_clients()
    task_client: Any = getattr(lambda_eval_utils, "boto_client_for")  # noqa: B009 - the name moto's Lambda Task calls
    first = task_client(region=REGION, service="lambda")
    assert task_client(region=REGION, service="lambda") is first
    order_id = uuid.uuid4().hex
    lambda_runtime.install([LocalFunction(f"{PREFIX}-echo", handler=f"{handlers.__name__}.record")])
    try:
        on_top = task_client(region=REGION, service="lambda")
        on_top.invoke(FunctionName=f"{PREFIX}-echo", Payload=json.dumps({"order_id": order_id}))
    finally:
        lambda_runtime.uninstall()

    assert on_top is not first  # a client made for the runtime below would carry that runtime's hook
    assert handlers.received_with("order_id", order_id) == [{"order_id": order_id}]
    assert task_client(region=REGION, service="lambda") is first
