"""Where an admin login comes from: CloudFront's viewer address behind the edge, the peer locally, never a header
the caller chose."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from graphql_api.context import caller_address


def request(headers: dict[str, str], *, client: str = "203.0.113.9", through_lambda: bool = True) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": (client, 0),
    }
    if through_lambda:
        scope["aws.event"] = {"version": "2.0"}
    return Request(scope)


def test_behind_the_edge_the_address_is_cloudfronts_viewer_address_without_its_port() -> None:
    sent = request({"CloudFront-Viewer-Address": "198.51.100.10:46532", "X-Forwarded-For": "10.9.9.9"})
    assert caller_address(sent, behind_edge=True) == "198.51.100.10"


def test_an_ipv6_viewer_address_keeps_every_group_but_the_port() -> None:
    sent = request({"CloudFront-Viewer-Address": "2001:db8::1:46532"})
    assert caller_address(sent, behind_edge=True) == "2001:db8::1"


def test_without_an_edge_the_viewer_header_is_the_callers_own_and_ignored() -> None:
    sent = request({"CloudFront-Viewer-Address": "198.51.100.10:46532"}, through_lambda=False)
    assert caller_address(sent, behind_edge=False) == "203.0.113.9"
    assert caller_address(sent, behind_edge=True) == "203.0.113.9"  # not through Lambda: no edge checked it


def test_a_forwarded_for_header_never_picks_the_address() -> None:
    sent = request({"X-Forwarded-For": "192.0.2.1"})
    assert caller_address(sent, behind_edge=True) == "203.0.113.9"


def test_no_request_has_no_address() -> None:
    assert caller_address(None, behind_edge=True) is None
