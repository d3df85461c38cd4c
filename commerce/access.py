"""Order access tokens: what lets a shopper without an account see their own order.

A token is an HMAC of the order id under a server-side key, so an idempotent replay of `placeOrder`
can hand the same token back while only its SHA-256 is stored with the order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


class OrderAccessTokens:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def issue(self, order_id: str) -> str:
        digest = hmac.new(self._key, f"order-access:{order_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def verify(self, stored_hash: str, token: str | None) -> bool:
        if not token:
            return False
        return hmac.compare_digest(stored_hash, self.hash_of(token))
