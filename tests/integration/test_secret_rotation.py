"""Rotating the admin JWT signing key and the Stripe webhook secret under a running local system.

The system runs as `make dev` does, with its secrets cached for one second instead of five minutes (the same code
path, the same clock): a rotation reaches the running functions within that time, and while the previous value is
configured beside the new one, what was signed with it stays good.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx2
import jwt
import pytest

from commerce.secrets import MAX_AGE_VARIABLE
from infra.local.aws import REGION
from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_ADMIN_USERNAME, LOCAL_VALUES
from tests.integration.running_system import RunningSystem, running_local_system
from tests.integration.shop import stripe_signature

CACHED_FOR_S = 1
OLD_KEY = str(LOCAL_VALUES["app-keys"]["jwt_signing_key"])
NEW_KEY = "rotated-jwt-signing-key-not-a-secret-0123456789"
OLD_WEBHOOK_SECRET = str(LOCAL_VALUES["stripe"]["webhook_secret"])
NEW_WEBHOOK_SECRET = "whsec_rotated_local_fake_not_a_secret"
LOGIN = "mutation($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token } }"
ADMIN_QUERY = "{ warehouses { id } }"


@pytest.fixture(scope="module")
def system() -> Iterator[RunningSystem]:
    with running_local_system({MAX_AGE_VARIABLE: str(CACHED_FOR_S)}) as running:
        yield running


def change_secret(system: RunningSystem, name: str, **fields: str) -> None:
    """What `pulumi config set --secret …` and `pulumi up` do to the secret: a new version of its JSON value."""
    client = boto3.client(
        "secretsmanager",
        endpoint_url=system.aws_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",  # moto takes any credentials
        aws_secret_access_key="testing",
    )
    secret_id = f"local/{name}"
    value = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    client.put_secret_value(SecretId=secret_id, SecretString=json.dumps({**value, **fields}))


def graphql(
    system: RunningSystem, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx2.post(
        f"{system.base_url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def log_in(system: RunningSystem) -> str:
    token: str = graphql(system, LOGIN, {"u": LOCAL_ADMIN_USERNAME, "p": LOCAL_ADMIN_PASSWORD})["data"]["adminLogin"][
        "token"
    ]
    return token


def admin_may_read(system: RunningSystem, token: str) -> bool:
    body = graphql(system, ADMIN_QUERY, token=token)
    if "errors" in body:
        assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"], body
        return False
    return True


def signed_with(token: str, key: str) -> bool:
    try:
        jwt.decode(token, key, algorithms=["HS256"], options={"verify_aud": False, "verify_exp": False})
    except jwt.InvalidSignatureError:
        return False
    return True


def within(seconds: float, condition: Callable[[], bool]) -> float:
    """How long it took `condition` to hold; fails if it did not within `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.2)
    return time.monotonic() - started


def webhook_status(system: RunningSystem, secret: str) -> int:
    # An event type the system acknowledges without acting: only the signature decides between 200 and 400.
    body = json.dumps({"id": "evt_rotation", "type": "customer.created", "data": {"object": {"object": "customer"}}})
    signature = stripe_signature(body.encode(), secret, int(time.time()))
    response = httpx2.post(
        f"{system.base_url}/webhooks/stripe", content=body, headers={"stripe-signature": signature}, timeout=30
    )
    return response.status_code


def test_a_rotated_jwt_signing_key_reaches_the_api_and_voids_no_admin_token_in_flight(system: RunningSystem) -> None:
    before = log_in(system)
    assert signed_with(before, OLD_KEY) and admin_may_read(system, before)

    change_secret(system, "app-keys", jwt_signing_key=NEW_KEY, jwt_signing_key_previous=OLD_KEY)
    within(CACHED_FOR_S + 5, lambda: signed_with(log_in(system), NEW_KEY))
    after = log_in(system)
    assert not signed_with(after, OLD_KEY)
    assert admin_may_read(system, before), "a token issued before the rotation was voided during the handover"
    assert admin_may_read(system, after)

    change_secret(system, "app-keys", jwt_signing_key_previous="")  # the handover window is over
    within(CACHED_FOR_S + 5, lambda: not admin_may_read(system, before))
    assert admin_may_read(system, after)


def test_a_rotated_webhook_secret_reaches_the_webhook_and_both_are_accepted_during_the_handover(
    system: RunningSystem,
) -> None:
    assert (webhook_status(system, OLD_WEBHOOK_SECRET), webhook_status(system, NEW_WEBHOOK_SECRET)) == (200, 400)

    change_secret(system, "stripe", webhook_secret=NEW_WEBHOOK_SECRET, webhook_secret_previous=OLD_WEBHOOK_SECRET)
    within(CACHED_FOR_S + 5, lambda: webhook_status(system, NEW_WEBHOOK_SECRET) == 200)
    assert webhook_status(system, OLD_WEBHOOK_SECRET) == 200

    change_secret(system, "stripe", webhook_secret_previous="")
    within(CACHED_FOR_S + 5, lambda: webhook_status(system, OLD_WEBHOOK_SECRET) == 400)
    assert webhook_status(system, NEW_WEBHOOK_SECRET) == 200
