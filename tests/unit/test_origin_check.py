"""The API answers only what CloudFront forwarded: the origin header with the generated secret, or 403."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commerce.adapters.edge import ORIGIN_HEADER, OriginCheck, refused_unless_from_edge
from commerce.secrets import EDGE, MissingSecretError, Secrets
from tests.unit.builders import fixed_clock

CURRENT, PREVIOUS = "current-origin-secret", "previous-origin-secret"


def event(**headers: str) -> dict[str, object]:
    return {"rawPath": "/graphql", "headers": headers}


def behind_cloudfront() -> OriginCheck:
    return OriginCheck(lambda: (CURRENT, PREVIOUS))


@pytest.mark.parametrize(
    "headers",
    [{}, {ORIGIN_HEADER: ""}, {ORIGIN_HEADER: "guessed"}, {ORIGIN_HEADER: CURRENT[:-1]}, {"x-other": CURRENT}],
    ids=["no header", "empty", "wrong", "a prefix", "another header"],
)
def test_a_request_that_did_not_come_through_cloudfront_is_refused_with_403(headers: dict[str, str]) -> None:
    refused = refused_unless_from_edge(behind_cloudfront(), event(**headers))
    assert refused is not None and refused["statusCode"] == 403


@pytest.mark.parametrize("secret", [CURRENT, PREVIOUS], ids=["current", "previous during a rotation"])
def test_a_request_cloudfront_forwarded_is_served(secret: str) -> None:
    assert refused_unless_from_edge(behind_cloudfront(), {"headers": {ORIGIN_HEADER: secret}}) is None


def test_an_empty_previous_secret_admits_nobody() -> None:
    check = OriginCheck(lambda: (CURRENT, ""))
    assert not check.admits({ORIGIN_HEADER: ""})


def test_without_cloudfront_in_front_nothing_is_checked() -> None:
    assert refused_unless_from_edge(OriginCheck(lambda: None), event()) is None


def secrets_of(environ: dict[str, str], fetched: dict[str, str] | None = None) -> Secrets:
    return Secrets(fixed_clock(datetime(2026, 1, 1, tzinfo=UTC)), environ, fetch=lambda _: dict(fetched or {}))


def test_a_function_not_told_of_the_edge_secret_checks_nothing() -> None:
    assert secrets_of({}).origin_secrets is None


def test_a_function_told_of_the_edge_secret_reads_it_and_fails_closed_when_it_is_empty() -> None:
    told = {EDGE: "arn:aws:secretsmanager:eu-west-1:1:secret:edge"}
    values = {"origin_secret": CURRENT, "origin_secret_previous": PREVIOUS}
    assert secrets_of(told, values).origin_secrets == (CURRENT, PREVIOUS)
    with pytest.raises(MissingSecretError):
        _ = secrets_of(told, {"origin_secret": ""}).origin_secrets
