"""Order access tokens: what lets a shopper without an account see their own order.

A token is an HMAC of the order id under a server-side key, so an idempotent replay of `placeOrder`
can hand the same token back while only its SHA-256 is stored with the order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from commerce.secrets import KeySource, key_source


class OrderAccessTokens:
    """`key` is read at every issue, so a rotated key is used as soon as the secrets hand it out. Rotating it voids
    no shopper's token (only its hash is stored and checked); an idempotent `placeOrder` replayed after the rotation
    hands back a token that no longer matches, so the shopper follows the order with the first one."""

    def __init__(self, key: str | KeySource) -> None:
        self._key = key_source(key)

    def issue(self, order_id: str) -> str:
        digest = hmac.new(self._key().encode(), f"order-access:{order_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def verify(self, stored_hash: str, token: str | None) -> bool:
        if not token:
            return False
        return hmac.compare_digest(stored_hash, self.hash_of(token))
