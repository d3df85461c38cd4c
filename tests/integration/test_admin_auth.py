"""Admin login and the guard on every admin field, over HTTP on the local cloud (moto's Secrets Manager, DynamoDB)."""

from __future__ import annotations

import base64
import importlib
import json
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from commerce.admin.lockout import lockout_key
from commerce.admin.tokens import ADMIN_SCOPE, AUDIENCE, ISSUER, AdminTokens
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_VALUES
from tests.integration.admin import Admin
from tests.integration.graphql_transport import MangumTransport
from tests.unit.test_admin_permissions import ADMIN_QUERIES

SIGNING_KEY = LOCAL_VALUES["app-keys"]["jwt_signing_key"]


def expired_token() -> str:
    return AdminTokens(SIGNING_KEY, lambda: datetime.now(UTC) - timedelta(minutes=20)).issue("admin").token


def tampered_token(admin: Admin) -> str:
    header, payload, signature = admin.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["exp"] += 3600
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"


def other_audience_token() -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "fulfillment-shop", "sub": "admin", "iat": now, "exp": now + 600, "jti": "x"}
    return jwt.encode(claims | {"scope": ADMIN_SCOPE}, SIGNING_KEY, algorithm="HS256")


def shopper_token(admin: Admin) -> str:
    return admin.shop.place([("p-mug", 1)], email="snooper@example.com").token


def test_the_seeded_admin_logs_in_and_the_token_opens_admin_fields(admin: Admin) -> None:
    logged_in = admin.login()
    assert logged_in["errors"] == [] and logged_in["username"] == "admin"
    assert datetime.fromisoformat(logged_in["expiresAt"]) <= datetime.now(UTC) + timedelta(minutes=15)
    warehouses = admin.data("{ warehouses { id name } }")["warehouses"]
    assert {w["id"] for w in warehouses} >= {"wh-east", "wh-central", "wh-west"}


@pytest.mark.parametrize("kind", ["none", "expired", "tampered", "shopper", "other audience", "garbage"])
def test_every_admin_field_refuses_a_caller_without_a_valid_admin_token(admin: Admin, kind: str) -> None:
    makers: dict[str, Callable[[], str | None]] = {
        "none": lambda: None,
        "expired": expired_token,
        "tampered": lambda: tampered_token(admin),
        "shopper": lambda: shopper_token(admin),
        "other audience": other_audience_token,
        "garbage": lambda: "not-a-token",
    }
    token = makers[kind]()
    for field, query in ADMIN_QUERIES.items():
        body = admin.send(query, token=token)
        assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"], (field, body)
        assert body["data"] is None or body["data"].get(field) is None, (field, body)


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(admin: Admin) -> None:
    unknown = admin.login(f"nobody-{secrets.token_hex(4)}", LOCAL_ADMIN_PASSWORD)
    wrong = admin.login("admin", "not-the-password")
    assert (
        unknown
        == wrong
        == {
            "token": None,
            "expiresAt": None,
            "username": None,
            "errors": [{"field": None, "code": "INVALID_CREDENTIALS", "message": "invalid username or password"}],
        }
    )
    assert admin.login()["token"]  # and the success just now cleared the admin's failure


def test_an_unknown_user_takes_about_as_long_to_refuse_as_a_wrong_password(admin: Admin) -> None:
    def timed(username: str) -> float:
        started = time.perf_counter()
        admin.login(username, "wrong-password")
        return time.perf_counter() - started

    unknown = statistics.median(timed(f"ghost-{secrets.token_hex(4)}") for _ in range(4))
    known = statistics.median(timed("admin") for _ in range(4))
    admin.login()  # clear the admin's failures
    assert 1 / 3 < unknown / known < 3, (unknown, known)


def test_five_failures_lock_the_username_for_fifteen_minutes_in_dynamodb(admin: Admin, local_cloud: LocalCloud) -> None:
    username = f"intruder-{secrets.token_hex(4)}"  # never the real admin: its lock would outlive this test
    answers = [admin.login(username, f"guess-{attempt}")["errors"][0]["code"] for attempt in range(6)]
    assert answers == ["INVALID_CREDENTIALS"] * 5 + ["LOGIN_LOCKED"]
    locked = admin.login(username, "guess-7")["errors"][0]
    assert locked["code"] == "LOGIN_LOCKED" and "15 minutes" in locked["message"]
    record = local_cloud.services.repositories.login_failures.get(lockout_key(username))
    assert record is not None and record.count == 5
    assert record.locked_until is not None and 14 * 60 < record.locked_until - time.time() <= 15 * 60


def test_a_token_without_the_admin_scope_is_forbidden(admin: Admin) -> None:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "admin", "iat": now, "exp": now + 600}
    token = jwt.encode(claims | {"jti": "v", "scope": "viewer"}, SIGNING_KEY, algorithm="HS256")
    body = admin.send("{ warehouses { id } }", token=token)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"] and body["data"] is None


def test_the_lambda_handler_reads_the_bearer_token_from_api_gateway_events(admin: Admin) -> None:
    handler = importlib.import_module("graphql_api.lambda_handler").handler
    transport = MangumTransport(handler)
    body = json.dumps({"query": "{ warehouses { id } }"}).encode()
    status, signed_in = transport.post(
        body, {"content-type": "application/json", "authorization": f"Bearer {admin.token}"}
    )
    assert status == 200 and "errors" not in json.loads(signed_in)
    status, anonymous = transport.post(body, {"content-type": "application/json"})
    assert [error["extensions"]["code"] for error in json.loads(anonymous)["errors"]] == ["UNAUTHENTICATED"]
