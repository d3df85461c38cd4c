"""The local IAM evaluator, rule by rule, on documents shaped like ours."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.iam_policy import PolicyNotUnderstoodError, condition_keys, evaluate

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/local-orders"
OTHER_TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/local-products"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_an_allowed_action_on_a_listed_resource_is_allowed() -> None:
    assert evaluate(policy(allow(["dynamodb:GetItem"], [TABLE])), "dynamodb:GetItem", TABLE)


def test_nothing_is_allowed_unless_a_statement_allows_it() -> None:
    document = policy(allow(["dynamodb:GetItem"], [TABLE]))
    assert not evaluate(document, "dynamodb:PutItem", TABLE)
    assert not evaluate(document, "dynamodb:GetItem", OTHER_TABLE)


def test_an_explicit_deny_wins_over_any_allow() -> None:
    document = policy(allow("dynamodb:*", "*"), {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": TABLE})
    assert not evaluate(document, "dynamodb:DeleteItem", TABLE)
    assert evaluate(document, "dynamodb:DeleteItem", OTHER_TABLE)


def test_action_names_match_without_regard_to_case_and_with_wildcards() -> None:
    document = policy(allow("DynamoDB:get*", TABLE), allow("xray:Put?raceSegments", "*"))
    assert evaluate(document, "dynamodb:GetItem", TABLE)
    assert not evaluate(document, "dynamodb:PutItem", TABLE)
    assert evaluate(document, "xray:PutTraceSegments", "*")


def test_resources_match_case_sensitively_and_a_wildcard_spans_slashes() -> None:
    document = policy(allow("dynamodb:Query", f"{TABLE}/index/*"))
    assert evaluate(document, "dynamodb:Query", f"{TABLE}/index/by_status")
    assert not evaluate(document, "dynamodb:Query", TABLE)
    assert not evaluate(document, "dynamodb:Query", f"{TABLE.upper()}/index/by_status")


def test_a_resource_pattern_is_not_read_as_a_regular_expression() -> None:
    document = policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/local.orders"))
    assert not evaluate(document, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/localXorders")


def test_not_action_allows_every_action_but_the_listed_ones() -> None:
    document = policy({"Effect": "Allow", "NotAction": "dynamodb:DeleteItem", "Resource": TABLE})
    assert evaluate(document, "dynamodb:PutItem", TABLE)
    assert not evaluate(document, "dynamodb:DeleteItem", TABLE)


def test_not_resource_allows_every_resource_but_the_listed_ones() -> None:
    document = policy({"Effect": "Allow", "Action": "dynamodb:PutItem", "NotResource": [TABLE]})
    assert evaluate(document, "dynamodb:PutItem", OTHER_TABLE)
    assert not evaluate(document, "dynamodb:PutItem", TABLE)


def test_a_single_statement_object_is_read_like_a_list_of_one() -> None:
    assert evaluate({"Version": "2012-10-17", "Statement": allow("events:PutEvents", "*")}, "events:PutEvents", "x")


SEND = allow(
    "ses:SendEmail",
    "arn:aws:ses:us-east-1:123456789012:identity/orders@shop.example",
    Condition={"StringEquals": {"ses:FromAddress": "orders@shop.example"}},
)
IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/orders@shop.example"


def test_string_equals_holds_only_for_the_named_value_and_keys_are_case_insensitive() -> None:
    assert evaluate(policy(SEND), "ses:SendEmail", IDENTITY, {"SES:FromAddress": "orders@shop.example"})
    assert not evaluate(policy(SEND), "ses:SendEmail", IDENTITY, {"ses:FromAddress": "ceo@shop.example"})


def test_a_condition_on_a_key_the_request_lacks_does_not_hold() -> None:
    assert not evaluate(policy(SEND), "ses:SendEmail", IDENTITY, {})


def test_a_negated_operator_holds_when_the_key_is_missing_or_different() -> None:
    document = policy(allow("ses:SendEmail", "*", Condition={"StringNotEquals": {"ses:FromAddress": "x@shop.example"}}))
    assert evaluate(document, "ses:SendEmail", IDENTITY, {})
    assert evaluate(document, "ses:SendEmail", IDENTITY, {"ses:FromAddress": "orders@shop.example"})
    assert not evaluate(document, "ses:SendEmail", IDENTITY, {"ses:FromAddress": "x@shop.example"})


def test_string_like_and_arn_like_take_wildcards_and_any_listed_value() -> None:
    like = policy(allow("ses:SendEmail", "*", Condition={"StringLike": {"ses:FromAddress": ["a@x", "*@shop.example"]}}))
    assert evaluate(like, "ses:SendEmail", IDENTITY, {"ses:FromAddress": "orders@shop.example"})
    arn = policy(allow("events:PutEvents", "*", Condition={"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:*"}}))
    assert evaluate(arn, "events:PutEvents", "*", {"aws:SourceArn": "arn:aws:states:us-east-1:1:stateMachine"})
    assert not evaluate(arn, "events:PutEvents", "*", {"aws:SourceArn": "arn:aws:lambda:us-east-1:1:function"})


@pytest.mark.parametrize(
    "document",
    [
        policy(allow("ses:SendEmail", "*", Condition={"StringEqualsIfExists": {"ses:FromAddress": "a"}})),
        policy(allow("ses:SendEmail", "*", Condition={"ForAnyValue:StringEquals": {"ses:Recipients": "a"}})),
        policy(allow("ses:SendEmail", "*", Condition={"NumericLessThan": {"aws:EpochTime": "1"}})),
        policy(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*")),
        policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}),
        policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "NotResource": "x"}),
        policy({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}),
        {"Version": "2012-10-17", "Statement": [], "Extra": 1},
        {"Statement": [allow("s3:GetObject", "*")]},
    ],
    ids=[
        "IfExists",
        "set operator",
        "numeric operator",
        "policy variable",
        "Principal",
        "both",
        "effect",
        "top",
        "ver",
    ],
)
def test_an_element_the_evaluator_does_not_understand_fails_loudly(document: dict[str, Any]) -> None:
    with pytest.raises(PolicyNotUnderstoodError):
        evaluate(document, "s3:GetObject", "arn:aws:s3:::bucket/key")


def test_the_condition_keys_a_policy_reads_are_listed_lower_case() -> None:
    assert condition_keys(policy(SEND, allow("dynamodb:GetItem", TABLE))) == {"ses:fromaddress"}
