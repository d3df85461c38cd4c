"""The local cloud refuses what each role's policy does not allow, as AWS would, by action and by resource ARN."""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.deployment import DEPLOYMENT, Function
from infra.local.cloud import LocalCloud
from infra.local.iam_enforcement import acting_as
from infra.local.roles import saga_principal
from tests.integration.shop import Shop

pytestmark = [pytest.mark.integration, pytest.mark.iam_refusals_expected]


def access_denied(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "AccessDeniedException"


def table(cloud: LocalCloud, logical: str) -> str:
    return f"{cloud.prefix}-{logical}"


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_every_function_is_refused_a_call_outside_its_policy(local_cloud: LocalCloud, function: Function) -> None:
    """No function may Scan the orders table (only the API scans, and only the stock table)."""
    with acting_as(local_cloud.function_name(function.name)), pytest.raises(ClientError) as refused:
        boto3.client("dynamodb").scan(TableName=table(local_cloud, "orders"), Limit=1)
    assert access_denied(refused.value)
    assert (
        f"dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:123456789012:table/{table(local_cloud, 'orders')}"
        in (str(refused.value))
    )


def test_a_write_is_allowed_on_a_table_the_function_may_write_and_refused_on_another(local_cloud: LocalCloud) -> None:
    dynamodb = boto3.client("dynamodb")
    item = {"key": {"S": "iam-test#notifications"}, "expires_at": {"N": "1"}}
    with acting_as(local_cloud.function_name("notifications")):
        dynamodb.put_item(TableName=table(local_cloud, "idempotency"), Item=item)
        with pytest.raises(ClientError) as refused:
            dynamodb.put_item(TableName=table(local_cloud, "products"), Item={"id": {"S": "iam-test"}})
    assert access_denied(refused.value)
    assert (
        dynamodb.get_item(TableName=table(local_cloud, "products"), Key={"id": {"S": "iam-test"}}).get("Item") is None
    )


def test_a_transaction_is_refused_whole_when_one_item_is_on_a_table_the_function_may_not_write(
    local_cloud: LocalCloud,
) -> None:
    dynamodb = boto3.client("dynamodb")
    allowed_item: Any = {"Put": {"TableName": table(local_cloud, "idempotency"), "Item": {"key": {"S": "iam-test#tx"}}}}
    refused_item: Any = {"Put": {"TableName": table(local_cloud, "inventory"), "Item": {"product_id": {"S": "x"}}}}
    with acting_as(local_cloud.function_name("notifications")), pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[allowed_item, refused_item])
    assert access_denied(refused.value)
    assert "dynamodb:PutItem on resource" in str(refused.value)
    key = {"key": {"S": "iam-test#tx"}}
    assert dynamodb.get_item(TableName=table(local_cloud, "idempotency"), Key=key).get("Item") is None


def test_a_function_reads_only_the_secrets_it_is_described_to_read(local_cloud: LocalCloud) -> None:
    secrets_manager = boto3.client("secretsmanager")
    admin_users = local_cloud.environment["ADMIN_USERS_SECRET_ID"]
    with acting_as(local_cloud.function_name("api")):
        assert json.loads(secrets_manager.get_secret_value(SecretId=admin_users)["SecretString"])["users"]
    with acting_as(local_cloud.function_name("notifications")), pytest.raises(ClientError) as refused:
        secrets_manager.get_secret_value(SecretId=admin_users)
    assert access_denied(refused.value)


def test_email_is_refused_from_any_address_but_the_shops(local_cloud: LocalCloud) -> None:
    ses = boto3.client("ses")
    message: Any = {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}}
    destination: Any = {"ToAddresses": ["shopper@example.com"]}
    with acting_as(local_cloud.function_name("notifications")):
        ses.send_email(Source=local_cloud.environment["EMAIL_FROM"], Destination=destination, Message=message)
        with pytest.raises(ClientError) as refused:
            ses.send_email(Source="ceo@shop.example", Destination=destination, Message=message)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_function_that_starts_no_saga_is_refused_starting_one(local_cloud: LocalCloud) -> None:
    with acting_as(local_cloud.function_name("payment-failed")), pytest.raises(ClientError) as refused:
        boto3.client("stepfunctions").start_execution(stateMachineArn=local_cloud.state_machine_arn, input="{}")
    assert access_denied(refused.value)


def test_the_saga_role_invokes_only_its_steps_and_writes_no_table(local_cloud: LocalCloud) -> None:
    with acting_as(saga_principal(local_cloud.prefix)):
        with pytest.raises(ClientError) as invoke:
            boto3.client("lambda").invoke(FunctionName=local_cloud.function_name("api"), Payload=b"{}")
        with pytest.raises(ClientError) as write:
            boto3.client("dynamodb").put_item(TableName=table(local_cloud, "orders"), Item={"id": {"S": "iam-test"}})
    assert access_denied(invoke.value)
    assert access_denied(write.value)


def test_a_call_the_checker_cannot_map_is_refused(local_cloud: LocalCloud) -> None:
    with acting_as(local_cloud.function_name("api")), pytest.raises(ClientError) as refused:
        boto3.client("dynamodb").list_tables()
    assert access_denied(refused.value)
    assert "cannot authorize" in str(refused.value)


def test_a_graphql_request_is_served_as_the_api_functions_role(
    local_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the API's role allowed nothing, the request's AWS calls are refused as that role.

    The webhook route is wrapped the same way (infra/local/observed_routes.py); its grants are seen used as
    `stripe-webhook` by the webhook tests (test_iam_grants_used.py), which only that role can have made."""
    assert local_cloud.iam is not None
    nothing = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    api = local_cloud.function_name("api")
    monkeypatch.setitem(local_cloud.iam.policies, api, nothing)
    before = len(local_cloud.iam.refusals)
    # A category of its own: the catalog page cannot be served from an earlier request's cache.
    query = "query ($c: String) { products(first: 1, category: $c) { edges { node { id } } } }"
    Shop(local_cloud).http.post("/graphql", json={"query": query, "variables": {"c": f"iam-{secrets.token_hex(4)}"}})
    assert api in {refusal.principal for refusal in local_cloud.iam.refusals[before:]}
