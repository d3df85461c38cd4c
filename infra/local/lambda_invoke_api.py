"""The Lambda Invoke API as botocore sees it: the serialised request in, the parsed response out.

A `before-call` handler receives the request botocore would send (path, headers, body) and must return
`(http_response, parsed_response)`; botocore raises a ClientError when the status is 300 or above, otherwise it
hands `parsed_response` to the caller as if it had parsed it from the wire.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import unquote

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.response import StreamingBody

BotocoreResponse = tuple[AWSResponse, dict[str, Any]]


@dataclass(frozen=True)
class InvokeRequest:
    function_name: str  # as the caller wrote it: name, name:qualifier, partial or full ARN
    invocation_type: str
    payload: bytes

    @property
    def unqualified_name(self) -> str:
        return unqualified_function_name(self.function_name)


def unqualified_function_name(identifier: str) -> str:
    """`name`, `name:alias`, `ACCOUNT:function:name` and `arn:aws:lambda:REGION:ACCOUNT:function:name[:alias]`."""
    parts = identifier.split(":")
    if "function" in parts:
        return parts[parts.index("function") + 1]
    return parts[0]


def parse_invoke_request(request: Mapping[str, Any]) -> InvokeRequest:
    # The path is /2015-03-31/functions/{FunctionName}/invocations with the name percent-encoded.
    encoded_name = request["url_path"].split("/")[3]
    body = request.get("body") or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return InvokeRequest(
        function_name=unquote(encoded_name),
        invocation_type=request["headers"].get("X-Amz-Invocation-Type", "RequestResponse"),
        payload=body,
    )


def invoke_response(
    status: int, request_id: str, payload: bytes = b"", function_error: str | None = None
) -> BotocoreResponse:
    headers = {"x-amzn-requestid": request_id, "x-amz-executed-version": "$LATEST"}
    parsed: dict[str, Any] = {
        "StatusCode": status,
        "ExecutedVersion": "$LATEST",
        "Payload": StreamingBody(BytesIO(payload), len(payload)),
    }
    if function_error:
        # Lambda answers 200 even when the handler raised; only this header (and field) says it failed.
        headers["x-amz-function-error"] = function_error
        parsed["FunctionError"] = function_error
    parsed["ResponseMetadata"] = _metadata(status, request_id, headers)
    return AWSResponse(url="", status_code=status, headers=HTTPHeaders.from_dict(headers), raw=None), parsed


def error_response(status: int, code: str, message: str) -> BotocoreResponse:
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-requestid": request_id, "x-amzn-errortype": code}
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": _metadata(status, request_id, headers),
    }
    return AWSResponse(url="", status_code=status, headers=HTTPHeaders.from_dict(headers), raw=None), parsed


def _metadata(status: int, request_id: str, headers: dict[str, str]) -> dict[str, Any]:
    return {"RequestId": request_id, "HTTPStatusCode": status, "HTTPHeaders": headers, "RetryAttempts": 0}
