"""Admin access tokens: short-lived JWTs (HS256) signed with the key in Secrets Manager.

Every claim that says what the token is for is required and checked (issuer, audience, subject, expiry,
issue time, id), so a token minted for another audience, a shopper's order access token (not a JWT at all) or
a token edited by hand never authenticates an admin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from commerce.clock import Clock
from commerce.secrets import KeysSource, keys_source

ISSUER = "fulfillment-api"
AUDIENCE = "fulfillment-admin"
ADMIN_SCOPE = "admin"
ALGORITHM = "HS256"
MAX_LIFETIME = timedelta(minutes=15)
# Clock skew between Lambda hosts is well under a second; a few seconds of leeway costs nothing.
LEEWAY = timedelta(seconds=5)
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti"]


class TokenState(StrEnum):
    MISSING = "MISSING"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    VALID = "VALID"


@dataclass(frozen=True, slots=True)
class AdminPrincipal:
    """Who is calling, as the token says: `username` is the JWT subject."""

    username: str
    token_id: str
    expires_at: datetime
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class TokenCheck:
    state: TokenState
    principal: AdminPrincipal | None = None

    @classmethod
    def missing(cls) -> TokenCheck:
        return cls(TokenState.MISSING)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


class AdminTokens:
    """Signs with the first of `signing_keys`; accepts any of them, so a rotation voids no token in flight."""

    def __init__(self, signing_keys: str | KeysSource, clock: Clock, *, lifetime: timedelta = MAX_LIFETIME) -> None:
        if not timedelta(0) < lifetime <= MAX_LIFETIME:
            raise ValueError(f"an admin token lives at most {MAX_LIFETIME}")
        self._keys = keys_source(signing_keys)
        self._clock = clock
        self._lifetime = lifetime

    def issue(self, username: str) -> IssuedToken:
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        expires_at = now + self._lifetime
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": username,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": secrets.token_urlsafe(16),
            "scope": ADMIN_SCOPE,
        }
        import jwt  # here, not at the top: PyJWT brings `cryptography`, and only admins' requests carry tokens

        return IssuedToken(jwt.encode(claims, self._keys()[0], algorithm=ALGORITHM), expires_at)

    def check_authorization(self, header: str | None) -> TokenCheck:
        """What an `Authorization` header proves: only `Bearer <token>` can prove anything."""
        if header is None:
            return TokenCheck.missing()
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return TokenCheck(TokenState.INVALID)
        return self.check(token.strip())

    def check(self, token: str | None) -> TokenCheck:
        """What the token proves, its times judged by the clock we were given (PyJWT would read the machine's)."""
        if not token:
            return TokenCheck.missing()
        import jwt

        for key in self._keys():
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=[ALGORITHM],  # never the algorithm the token names: "none" and key confusion stay out
                    audience=AUDIENCE,
                    issuer=ISSUER,
                    options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
                )
                break
            except jwt.InvalidSignatureError:
                continue  # signed with the other key of a rotation, or forged: the next key decides
            except jwt.InvalidTokenError:
                return TokenCheck(TokenState.INVALID)
        else:
            return TokenCheck(TokenState.INVALID)
        state = self._timely(claims)
        if state is not TokenState.VALID:
            return TokenCheck(state)
        if not self._plausible(claims):
            return TokenCheck(TokenState.INVALID)
        principal = AdminPrincipal(
            username=claims["sub"],
            token_id=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            scopes=frozenset(str(claims.get("scope", "")).split()),
        )
        return TokenCheck(TokenState.VALID, principal)

    def _timely(self, claims: dict[str, Any]) -> TokenState:
        """PyJWT's own rules for `exp`, `iat` and `nbf` (whole seconds, the same leeway), against our clock's now."""
        times: dict[str, int] = {}
        for name in ("exp", "iat", "nbf"):
            if name in claims:
                try:
                    times[name] = int(claims[name])
                except (ValueError, TypeError, OverflowError):
                    return TokenState.INVALID
        now, leeway = self._clock().timestamp(), LEEWAY.total_seconds()
        if any(times.get(name, 0) > now + leeway for name in ("iat", "nbf")):
            return TokenState.INVALID  # issued in the future: not ours, or a clock gone wrong
        if times["exp"] <= now - leeway:
            return TokenState.EXPIRED
        return TokenState.VALID

    @staticmethod
    def _plausible(claims: dict[str, object]) -> bool:
        # Signed with our key yet meant to live longer than adminLogin ever issues: minted elsewhere, refused.
        issued, expires = claims["iat"], claims["exp"]
        if not isinstance(issued, int | float) or not isinstance(expires, int | float):
            return False
        return expires - issued <= (MAX_LIFETIME + LEEWAY).total_seconds() and bool(claims["sub"])
