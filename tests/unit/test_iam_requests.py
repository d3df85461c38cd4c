"""What the local cloud authorizes each AWS call as: the action and ARN IAM would judge, item by item for batches."""

from __future__ import annotations

import pytest

from infra.local.iam_requests import Authorization, RequestMapper, UnmappedRequestError

ACCOUNT = "123456789012"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:local/stripe-AbCdEf"
MAPPER = RequestMapper(
    region="us-east-1",
    account=ACCOUNT,
    secret_arn=lambda secret_id: {"local/stripe": SECRET_ARN}.get(secret_id, secret_id),
    ses_identities=("orders@shop.example",),
)


def table(name: str) -> str:
    return f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"


def test_an_item_call_is_its_own_action_on_the_table() -> None:
    assert MAPPER.authorizations("dynamodb", "PutItem", {"TableName": "orders", "Item": {}}) == [
        Authorization("dynamodb:PutItem", table("orders"))
    ]


def test_a_query_on_an_index_is_authorized_on_the_index() -> None:
    (query,) = MAPPER.authorizations("dynamodb", "Query", {"TableName": "orders", "IndexName": "by_status"})
    assert query == Authorization("dynamodb:Query", f"{table('orders')}/index/by_status")


def test_a_transaction_is_authorized_item_by_item_as_the_item_actions_on_each_items_table() -> None:
    items = [
        {"Put": {"TableName": "orders", "Item": {}}},
        {"Update": {"TableName": "inventory", "Key": {}, "UpdateExpression": "SET a = :a"}},
        {"Delete": {"TableName": "reservations", "Key": {}}},
        {"ConditionCheck": {"TableName": "products", "Key": {}, "ConditionExpression": "attribute_exists(id)"}},
    ]
    assert MAPPER.authorizations("dynamodb", "TransactWriteItems", {"TransactItems": items}) == [
        Authorization("dynamodb:PutItem", table("orders")),
        Authorization("dynamodb:UpdateItem", table("inventory")),
        Authorization("dynamodb:DeleteItem", table("reservations")),
        Authorization("dynamodb:ConditionCheckItem", table("products")),
    ]


def test_a_batch_read_is_authorized_on_every_table_it_names() -> None:
    request: dict[str, object] = {"RequestItems": {"orders": {"Keys": []}, "products": {"Keys": []}}}
    assert MAPPER.authorizations("dynamodb", "BatchGetItem", request) == [
        Authorization("dynamodb:BatchGetItem", table("orders")),
        Authorization("dynamodb:BatchGetItem", table("products")),
    ]


def test_events_are_authorized_on_each_bus_they_are_put_on() -> None:
    entries = [{"EventBusName": "orders"}, {"EventBusName": "orders"}, {}]
    assert MAPPER.authorizations("events", "PutEvents", {"Entries": entries}) == [
        Authorization("events:PutEvents", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"),
        Authorization("events:PutEvents", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"),
    ]


def test_a_secret_named_by_name_is_authorized_on_its_full_arn() -> None:
    assert MAPPER.authorizations("secretsmanager", "GetSecretValue", {"SecretId": "local/stripe"}) == [
        Authorization("secretsmanager:GetSecretValue", SECRET_ARN)
    ]


def test_an_email_is_authorized_on_the_senders_identity_with_its_from_address_in_the_context() -> None:
    (send,) = MAPPER.authorizations("ses", "SendEmail", {"Source": "Shop <orders@shop.example>"})
    assert send == Authorization(
        "ses:SendEmail",
        f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/orders@shop.example",
        {"ses:FromAddress": "orders@shop.example"},
    )
    (other,) = MAPPER.authorizations("ses", "SendEmail", {"Source": "ceo@shop.example"})
    assert other.resource == f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/shop.example"


def test_a_lambda_invocation_is_authorized_on_the_function_and_its_qualifier() -> None:
    (invoke,) = MAPPER.authorizations("lambda", "Invoke", {"FunctionName": "local-api", "Qualifier": "live"})
    assert invoke == Authorization(
        "lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:local-api:live"
    )


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("dynamodb", "ListTables", {}),
        ("dynamodb", "ExecuteStatement", {"Statement": "SELECT * FROM orders"}),
        ("events", "PutRule", {"Name": "r"}),
        ("sqs", "SendMessage", {"QueueUrl": "q"}),
        ("lambda", "ListFunctions", {}),
        ("dynamodb", "BatchGetItem", {"RequestItems": {}}),
    ],
)
def test_a_call_that_cannot_be_mapped_is_not_waved_through(
    service: str, operation: str, params: dict[str, object]
) -> None:
    with pytest.raises(UnmappedRequestError):
        MAPPER.authorizations(service, operation, params)
