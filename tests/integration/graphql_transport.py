"""Two ways into the same GraphQL app: ASGI over HTTP (as uvicorn serves it) and Mangum with API Gateway events."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.testclient import TestClient

from commerce.adapters.edge import ORIGIN_HEADER
from infra.local.secrets import LOCAL_VALUES


class GraphQLTransport(Protocol):
    name: str

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]: ...


class AsgiTransport:
    name = "asgi"

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = self.client.post("/graphql", content=body, headers=headers)
        return response.status_code, response.content

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return _decoded(*self.post(_body(query, variables), {"content-type": "application/json"}))


@dataclass
class FakeLambdaContext:
    function_name: str = "api"
    aws_request_id: str = ""
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:api"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


class MangumTransport:
    """Calls the Lambda handler with API Gateway HTTP API payload v2.0 events, as AWS would."""

    name = "mangum"

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        event = http_api_event("POST", "/graphql", body, headers)
        result = self.handler(event, FakeLambdaContext(aws_request_id=str(uuid.uuid4())))
        raw = result.get("body", "")
        content = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        return int(result["statusCode"]), content

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return _decoded(*self.post(_body(query, variables), {"content-type": "application/json"}))


def http_api_event(
    method: str, path: str, body: bytes, headers: dict[str, str], *, through_cloudfront: bool = True
) -> dict[str, Any]:
    """An API Gateway (payload v2) event; through CloudFront unless told otherwise: with its origin header."""
    now = time.time()
    if through_cloudfront:
        headers = {ORIGIN_HEADER: LOCAL_VALUES["edge"]["origin_secret"], **headers}
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "api.example.test", "x-forwarded-proto": "https", **headers},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.test",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def _body(query: str, variables: dict[str, Any] | None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


def _decoded(status: int, content: bytes) -> dict[str, Any]:
    assert status == 200, f"HTTP {status}: {content[:500]!r}"
    decoded: dict[str, Any] = json.loads(content)
    return decoded
