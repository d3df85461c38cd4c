"""Admin login and the guard on every admin field, over HTTP on the local cloud (moto's Secrets Manager, DynamoDB)."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import secrets
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from commerce.admin.lockout import name_and_source_key
from commerce.admin.tokens import ADMIN_SCOPE, AUDIENCE, ISSUER, AdminTokens
from infra.local.cloud import LocalCloud
from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_ADMIN_USERNAME, LOCAL_VALUES
from tests.integration.admin import LOGIN, Admin
from tests.integration.graphql_transport import MangumTransport, http_api_event
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


def test_five_wrong_attempts_from_one_address_make_the_next_wait_thirty_seconds(
    admin: Admin, local_cloud: LocalCloud
) -> None:
    username = f"intruder-{secrets.token_hex(4)}"
    answers = [admin.login(username, f"guess-{attempt}")["errors"][0] for attempt in range(6)]
    assert [answer["code"] for answer in answers] == ["INVALID_CREDENTIALS"] * 5 + ["LOGIN_LOCKED"]
    assert answers[-1]["message"] == "too many failed logins: try again in 30 seconds"
    record = local_cloud.repositories.login_failures.get(name_and_source_key(username, "127.0.0.1"))
    assert record is not None and record.count == 5


def test_a_strangers_burst_from_one_address_never_keeps_the_admin_out_from_another(local_cloud: LocalCloud) -> None:
    """Through the api function as deployed (behind the edge): the address is CloudFront-Viewer-Address."""

    def login(viewer: str, password: str) -> dict[str, Any]:
        body = json.dumps(
            {"query": LOGIN, "variables": {"username": LOCAL_ADMIN_USERNAME, "password": password}}
        ).encode()
        headers = {"content-type": "application/json", "cloudfront-viewer-address": f"{viewer}:52110"}
        event = http_api_event("POST", "/graphql", body, headers)
        answer = local_cloud.runtime.invoke(local_cloud.function_name("api"), event)
        payload: dict[str, Any] = json.loads(answer["body"])["data"]["adminLogin"]
        return payload

    stranger, desk = f"198.51.100.{secrets.randbelow(250)}", "192.0.2.10"
    # Each worker is an execution environment of its own, with its own event loop (Mangum runs one per call).
    with ThreadPoolExecutor(
        max_workers=8, initializer=lambda: asyncio.set_event_loop(asyncio.new_event_loop())
    ) as pool:
        answers = list(pool.map(lambda n: login(stranger, f"guess-{n}")["errors"][0], range(20)))
    codes = sorted(answer["code"] for answer in answers)
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["LOGIN_LOCKED"] * 15  # never more checks than the 5 free
    waits = {
        a["message"].removeprefix("too many failed logins: try again in ")
        for a in answers
        if a["code"] == "LOGIN_LOCKED"
    }
    assert all(0 < int(wait.removesuffix(" seconds")) <= 30 for wait in waits), waits  # 30 s from the 5th, ticking
    assert login(desk, LOCAL_ADMIN_PASSWORD)["token"]
    record = local_cloud.repositories.login_failures.get(name_and_source_key("admin", stranger))
    assert record is not None and record.count == 5


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
