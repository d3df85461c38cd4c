"""Driving the admin API like the admin area of the SPA does: log in, then send the token with every request."""

from __future__ import annotations

from typing import Any

from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_ADMIN_USERNAME
from tests.integration.shop import Shop

LOGIN = """
mutation Login($username: String!, $password: String!) {
  adminLogin(username: $username, password: $password) { token expiresAt username errors { field code message } }
}"""


class Admin:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.token = self.login()["token"]

    def login(self, username: str = LOCAL_ADMIN_USERNAME, password: str = LOCAL_ADMIN_PASSWORD) -> dict[str, Any]:
        payload: dict[str, Any] = self.shop.graphql(LOGIN, {"username": username, "password": password})["adminLogin"]
        return payload

    def send(self, query: str, variables: dict[str, Any] | None = None, token: str | None = "") -> dict[str, Any]:
        """The whole answer (data and errors); `token` "" means this admin's own, None none at all."""
        headers = {}
        bearer = self.token if token == "" else token
        if bearer is not None:
            headers["authorization"] = f"Bearer {bearer}"
        response = self.shop.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.send(query, variables)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data
