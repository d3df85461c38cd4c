from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from commerce.access import OrderAccessTokens
from commerce.admin.tokens import ADMIN_SCOPE, AUDIENCE, ISSUER, LEEWAY, MAX_LIFETIME, AdminTokens, TokenState
from tests.unit.builders import fixed_clock

KEY = "unit-test-signing-key-0123456789abcdef"
# The injected clock's time, far from any date this suite runs on: PyJWT's own reading of the machine's clock
# would call every token here expired (or not yet issued), so these tests pass only if our clock is the judge.
NOW = datetime(2031, 3, 14, 15, 9, 26, tzinfo=UTC)


def tokens(at: datetime = NOW, key: str = KEY) -> AdminTokens:
    return AdminTokens(key, fixed_clock(at))


def claims(**changes: object) -> dict[str, object]:
    now = int(NOW.timestamp())
    value: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "jti": "t1",
        "scope": ADMIN_SCOPE,
    }
    value.update(changes)
    return {name: item for name, item in value.items() if item is not None}


def test_an_issued_token_names_its_admin_and_lives_at_most_fifteen_minutes() -> None:
    issued = tokens().issue("alice")
    check = tokens().check(issued.token)
    assert check.state is TokenState.VALID and check.principal is not None
    assert check.principal.username == "alice"
    assert ADMIN_SCOPE in check.principal.scopes
    assert issued.expires_at - NOW <= MAX_LIFETIME
    decoded = jwt.decode(
        issued.token, KEY, algorithms=["HS256"], audience=AUDIENCE, options={"verify_exp": False, "verify_iat": False}
    )
    assert set(decoded) >= {"iss", "aud", "sub", "exp", "iat", "jti"}


def test_two_tokens_of_one_admin_have_different_ids() -> None:
    first, second = tokens().issue("alice"), tokens().issue("alice")
    assert tokens().check(first.token).principal != tokens().check(second.token).principal


def test_a_token_lifetime_beyond_fifteen_minutes_is_refused_when_configured() -> None:
    with pytest.raises(ValueError, match="at most"):
        AdminTokens(KEY, fixed_clock(NOW), lifetime=timedelta(hours=1))


def test_an_expired_token_is_reported_as_expired() -> None:
    issued = tokens(at=NOW - timedelta(minutes=20)).issue("alice")
    assert tokens().check(issued.token).state is TokenState.EXPIRED


def test_a_token_expires_by_the_injected_clock_with_a_few_seconds_of_leeway() -> None:
    issued = tokens().issue("alice")
    assert tokens(at=issued.expires_at + LEEWAY - timedelta(seconds=1)).check(issued.token).state is TokenState.VALID
    assert tokens(at=issued.expires_at + LEEWAY).check(issued.token).state is TokenState.EXPIRED


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_a_token_issued_later_than_the_injected_clock_says_is_invalid(claim: str) -> None:
    later = int((NOW + LEEWAY).timestamp()) + 1
    future = jwt.encode(claims(**{claim: later}), KEY, algorithm="HS256")
    assert tokens().check(future).state is TokenState.INVALID
    assert tokens(at=NOW + 2 * LEEWAY).check(future).state is TokenState.VALID


def test_a_token_with_a_time_that_is_not_a_number_is_invalid() -> None:
    token = jwt.encode(claims(exp="soon"), KEY, algorithm="HS256")
    assert tokens().check(token).state is TokenState.INVALID


def test_no_token_is_missing_and_a_header_of_another_scheme_is_invalid() -> None:
    assert tokens().check(None).state is TokenState.MISSING
    assert tokens().check_authorization(None).state is TokenState.MISSING
    assert tokens().check_authorization("Basic YWRtaW46YWRtaW4=").state is TokenState.INVALID
    assert tokens().check_authorization("Bearer").state is TokenState.INVALID
    issued = tokens().issue("alice")
    assert tokens().check_authorization(f"bearer {issued.token}").state is TokenState.VALID


def test_a_token_signed_with_another_key_is_invalid() -> None:
    issued = tokens(key="another-signing-key-0123456789abcdef").issue("alice")
    assert tokens().check(issued.token).state is TokenState.INVALID


def test_a_token_whose_payload_was_edited_is_invalid() -> None:
    header, payload, signature = tokens().issue("alice").token.split(".")
    edited = json.loads(base64.urlsafe_b64decode(payload + "=="))
    edited["sub"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(edited).encode()).rstrip(b"=").decode()
    assert tokens().check(f"{header}.{forged_payload}.{signature}").state is TokenState.INVALID


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "fulfillment-shop"},  # another audience
        {"iss": "someone-else"},
        {"aud": None},
        {"jti": None},
        {"sub": None},
        {"iat": None},
        {"exp": None},
        {"exp": int(NOW.timestamp()) + 24 * 3600},  # longer than we ever issue
    ],
)
def test_a_token_of_another_audience_issuer_or_shape_is_invalid(changes: dict[str, object]) -> None:
    token = jwt.encode(claims(**changes), KEY, algorithm="HS256")
    assert tokens().check(token).state is TokenState.INVALID


def test_an_unsigned_token_is_invalid() -> None:
    token = jwt.encode(claims(), "", algorithm="none")
    assert tokens().check(token).state is TokenState.INVALID


def test_a_shoppers_order_access_token_is_not_an_admin_token() -> None:
    shopper_token = OrderAccessTokens("order-key").issue("ord_123")
    assert tokens().check(shopper_token).state is TokenState.INVALID


def test_a_valid_token_without_the_admin_scope_proves_identity_but_grants_nothing() -> None:
    token = jwt.encode(claims(scope="viewer"), KEY, algorithm="HS256")
    check = tokens().check(token)
    assert check.state is TokenState.VALID and check.principal is not None
    assert ADMIN_SCOPE not in check.principal.scopes


def test_during_a_rotation_tokens_are_signed_with_the_new_key_and_those_of_the_old_one_still_count() -> None:
    old_token = tokens().issue("alice").token
    keys = ["a-new-signing-key-0123456789abcdef-rotated", KEY]
    rotating = AdminTokens(lambda: keys, fixed_clock(NOW))
    new_token = rotating.issue("alice").token
    jwt.decode(
        new_token, keys[0], algorithms=["HS256"], audience=AUDIENCE, options={"verify_exp": False, "verify_iat": False}
    )
    assert rotating.check(old_token).state is TokenState.VALID
    assert rotating.check(new_token).state is TokenState.VALID
    keys.pop()  # the handover is over: the old key is no longer configured
    assert rotating.check(old_token).state is TokenState.INVALID
    assert rotating.check(new_token).state is TokenState.VALID


def test_an_expired_token_of_the_previous_key_is_still_expired() -> None:
    old_token = tokens(at=NOW - timedelta(minutes=20)).issue("alice").token
    rotating = AdminTokens(lambda: ["a-new-signing-key-0123456789abcdef-rotated", KEY], fixed_clock(NOW))
    assert rotating.check(old_token).state is TokenState.EXPIRED
