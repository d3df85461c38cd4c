"""The deployed handlers refuse what did not come through CloudFront; the local server is its own edge."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from infra.local.cloud import LocalCloud
from infra.local.server import local_app
from tests.integration.graphql_transport import http_api_event

pytestmark = pytest.mark.integration

QUERY = json.dumps({"query": "{ products(first: 1) { edges { node { id } } } }"}).encode()
JSON = {"content-type": "application/json"}


def call(cloud: LocalCloud, function: str, path: str, *, through_cloudfront: bool) -> int:
    """Through the local Lambda runtime, so the handler runs as its function (and reads the origin secret as it)."""
    event = http_api_event("POST", path, QUERY, JSON, through_cloudfront=through_cloudfront)
    return int(cloud.runtime.invoke(cloud.function_name(function), event)["statusCode"])


def test_the_api_function_refuses_a_request_that_did_not_come_through_cloudfront(local_cloud: LocalCloud) -> None:
    assert call(local_cloud, "api", "/graphql", through_cloudfront=False) == 403
    assert call(local_cloud, "api", "/graphql", through_cloudfront=True) == 200


def test_the_webhook_function_refuses_a_request_that_did_not_come_through_cloudfront(local_cloud: LocalCloud) -> None:
    assert call(local_cloud, "stripe-webhook", "/webhooks/stripe", through_cloudfront=False) == 403
    # Through, then refused as unsigned.
    assert call(local_cloud, "stripe-webhook", "/webhooks/stripe", through_cloudfront=True) == 400


def test_the_local_server_serves_without_the_header(local_cloud: LocalCloud) -> None:
    with TestClient(local_app(local_cloud)) as client:
        assert client.post("/graphql", content=QUERY, headers=JSON).status_code == 200
