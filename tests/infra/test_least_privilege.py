"""Least privilege, as policy rules over every IAM document the program creates; a failure names the resource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from infra.components.iam import DYNAMODB_ACTIONS, DYNAMODB_SCAN, WILDCARD_RESOURCE_ACTIONS
from infra.deployment import DEPLOYMENT, Function
from sagas.fulfillment import STEPS
from tests.infra.program import Program, Resource

APP = "fulfillment-test"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
DATA_SERVICES = ("dynamodb", "events", "states", "secretsmanager", "sqs", "ses", "lambda", "s3", "sns", "kms")


@dataclass(frozen=True)
class Statement:
    source: Resource  # the RolePolicy (or policy-bearing resource) it comes from
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.source} statement {self.actions}"


def statements(policy_resource: Resource, key: str = "policy") -> Iterator[Statement]:
    for raw in json.loads(policy_resource.inputs[key])["Statement"]:
        actions = raw["Action"] if isinstance(raw["Action"], list) else [raw["Action"]]
        resources = raw["Resource"] if isinstance(raw["Resource"], list) else [raw["Resource"]]
        assert raw["Effect"] == "Allow", f"{policy_resource}: only Allow statements are expected"
        yield Statement(policy_resource, tuple(actions), tuple(resources), raw.get("Condition", {}))


def role_statements(program: Program, role: Resource) -> list[Statement]:
    policies = [p for p in program.of_type(ROLE_POLICY) if p.inputs["role"] == role.state["id"]]
    assert policies, f"{role} has no policy"
    return [statement for policy in policies for statement in statements(policy)]


def all_statements(program: Program) -> list[Statement]:
    return [statement for policy in program.of_type(ROLE_POLICY) for statement in statements(policy)]


def function_role(program: Program, function: Function) -> Resource:
    lambda_function = program.one("aws:lambda/function:Function", f"{APP}-{function.name}")
    (role,) = [role for role in program.of_type(ROLE) if role.state["arn"] == lambda_function.inputs["role"]]
    return role


def allowed(statements_: list[Statement], action: str) -> set[str]:
    return {resource for s in statements_ if action in s.actions for resource in s.resources}


def arn_of(program: Program, type_: str, name: str) -> str:
    value = program.one(type_, name).state["arn"]
    assert isinstance(value, str)
    return value


# --- Rules over every policy ---------------------------------------------------------------------------------------


def test_no_policy_allows_a_wildcard_action(program: Program) -> None:
    offenders = [str(s) for s in all_statements(program) if any("*" in action for action in s.actions)]
    assert not offenders, f"wildcard actions: {offenders}"


def test_only_actions_that_name_no_resource_are_allowed_on_every_resource(program: Program) -> None:
    offenders = [
        f"{s.source}: {sorted(set(s.actions) - WILDCARD_RESOURCE_ACTIONS)} on '*'"
        for s in all_statements(program)
        if "*" in s.resources and not set(s.actions) <= WILDCARD_RESOURCE_ACTIONS
    ]
    assert not offenders, offenders


def test_data_services_are_granted_on_named_resources_of_this_stack_only(program: Program) -> None:
    """No `*` resource and no wildcard ARN for data services, except the `/index/*` of a table of ours."""
    tables = {arn_of(program, "aws:dynamodb/table:Table", f"{APP}-{t.name}") for t in DEPLOYMENT.tables}
    offenders = []
    for statement in all_statements(program):
        services = {action.split(":")[0] for action in statement.actions}
        if not services & set(DATA_SERVICES):
            continue
        for resource in statement.resources:
            if resource.endswith("/index/*") and resource.removesuffix("/index/*") in tables:
                continue
            if "*" in resource or ":123456789012:" not in resource:
                offenders.append(f"{statement}: {resource}")
    assert not offenders, offenders


def test_every_lambda_role_is_assumable_by_lambda_only_and_serves_one_function(program: Program) -> None:
    roles = [function_role(program, function) for function in DEPLOYMENT.functions]
    assert len({role.name for role in roles}) == len(roles), "one role per function"
    for role in roles:
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}, role
        assert statement["Action"] == "sts:AssumeRole", role


# --- Each function: exactly what the description says it uses ------------------------------------------------------


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_is_granted_exactly_its_described_actions_per_table_and_index(
    program: Program, function: Function
) -> None:
    role = function_role(program, function)
    granted = role_statements(program, role)
    table_arn = {t.name: arn_of(program, "aws:dynamodb/table:Table", f"{APP}-{t.name}") for t in DEPLOYMENT.tables}
    for action in DYNAMODB_ACTIONS:
        expected = {
            table_arn[name] for name, use in function.tables.items() if action.removeprefix("dynamodb:") in use.actions
        }
        if action == "dynamodb:Query":
            expected |= {
                f"{table_arn[name]}/index/{index}" for name, use in function.tables.items() for index in use.indexes
            }
        assert allowed(granted, action) == expected, f"{role} ({function.name}): {action}"
    assert allowed(granted, DYNAMODB_SCAN) == {table_arn[name] for name in function.scans}, role
    dynamodb = {action for s in granted for action in s.actions if action.startswith("dynamodb:")}
    assert dynamodb <= {*DYNAMODB_ACTIONS, DYNAMODB_SCAN}, f"{role}: unexpected {dynamodb}"


def test_a_function_queries_only_indexes_its_tables_have() -> None:
    for function in DEPLOYMENT.functions:
        for name, use in function.tables.items():
            known = {index.name for index in DEPLOYMENT.table(name).indexes}
            assert set(use.indexes) <= known, f"{function.name}: {name} has no index {set(use.indexes) - known}"


def test_only_the_api_scans_and_only_the_stock_table() -> None:
    assert {function.name: function.scans for function in DEPLOYMENT.functions if function.scans} == {
        "api": ("inventory",)
    }
    for function in DEPLOYMENT.functions:
        assert set(function.scans) <= set(function.tables), function.name


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_publishes_and_starts_sagas_only_if_described_and_only_there(
    program: Program, function: Function
) -> None:
    role = function_role(program, function)
    granted = role_statements(program, role)
    bus = arn_of(program, "aws:cloudwatch/eventBus:EventBus", f"{APP}-{DEPLOYMENT.bus_name}")
    machine = arn_of(program, "aws:sfn/stateMachine:StateMachine", f"{APP}-fulfillment")
    assert allowed(granted, "events:PutEvents") == ({bus} if function.publishes_events else set()), role
    assert allowed(granted, "states:StartExecution") == ({machine} if function.starts_workflows else set()), role


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_reads_only_its_own_secrets(program: Program, function: Function) -> None:
    role = function_role(program, function)
    expected = {
        arn_of(program, "aws:secretsmanager/secret:Secret", f"{APP}-{s.name}") for s in DEPLOYMENT.secrets_of(function)
    }
    assert allowed(role_statements(program, role), "secretsmanager:GetSecretValue") == expected, role


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_sends_email_only_if_described_and_only_as_the_shop(program: Program, function: Function) -> None:
    role = function_role(program, function)
    sending = [s for s in role_statements(program, role) if "ses:SendEmail" in s.actions]
    if not function.sends_email:
        assert not sending, role
        return
    (statement,) = sending
    assert set(statement.resources) == {
        "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.com",
        "arn:aws:ses:eu-west-1:123456789012:identity/orders@shop.example.com",
    }, role
    assert statement.condition == {"StringEquals": {"ses:FromAddress": "orders@shop.example.com"}}, role


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_writes_only_its_own_logs_and_dead_letters(program: Program, function: Function) -> None:
    role = function_role(program, function)
    granted = role_statements(program, role)
    log_group = arn_of(program, "aws:cloudwatch/logGroup:LogGroup", f"{APP}-{function.name}")
    assert allowed(granted, "logs:PutLogEvents") == {f"{log_group}:*"}, role
    targets = [rule.name for rule in DEPLOYMENT.rules if rule.target_function == function.name]
    targets += [f"{s.name}-schedule" for s in DEPLOYMENT.schedules if s.target_function == function.name]
    expected = {arn_of(program, "aws:sqs/queue:Queue", f"{APP}-{targets[0]}-dlq")} if targets else set()
    assert allowed(granted, "sqs:SendMessage") == expected, role


# --- The saga's role -----------------------------------------------------------------------------------------------


def test_the_saga_invokes_only_its_step_functions_and_puts_events_only_on_the_bus(program: Program) -> None:
    role = program.one(ROLE, f"{APP}-fulfillment")
    granted = role_statements(program, role)
    steps = {arn_of(program, "aws:lambda/function:Function", f"{APP}-{name}") for name in STEPS.values()}
    assert allowed(granted, "lambda:InvokeFunction") == steps, role
    bus = arn_of(program, "aws:cloudwatch/eventBus:EventBus", f"{APP}-{DEPLOYMENT.bus_name}")
    assert allowed(granted, "events:PutEvents") == {bus}, role
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}, role
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}, role


def test_iam_documents_are_serialized_data_with_a_version(program: Program) -> None:
    for resource in program.of_type(ROLE_POLICY) + program.of_type("aws:sqs/queuePolicy:QueuePolicy"):
        assert json.loads(resource.inputs["policy"])["Version"] == "2012-10-17", resource
    for role in program.of_type(ROLE):
        assert json.loads(role.inputs["assumeRolePolicy"])["Version"] == "2012-10-17", role
