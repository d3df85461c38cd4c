"""DynamoDB's data-plane answers on moto, written as JSON directly.

moto writes every response by walking the operation's output shape in botocore's service model, attribute by
attribute: measured by `make bench` as about 60% of moto's DynamoDB CPU, the largest single cost of the local cloud.
For the item operations the result moto computes is already DynamoDB's wire format (attribute values as
`{"S": …}`), so JSON of it is the same document (tests/integration/test_local_dynamodb_responses.py compares the
two on every attribute type). Anything else — errors, table management, a value JSON cannot hold — goes the
original way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, BaseResponse
from moto.dynamodb.responses import DynamoHandler

Response = tuple[int, dict[str, Any], str | bytes]

ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
CONTENT_TYPE = "application/x-amz-json-1.0"  # DynamoDB's protocol, JSON 1.0

_ORIGINAL: Callable[[BaseResponse, ActionResult], Response] = DynamoHandler.serialized


def write_item_responses_directly() -> None:
    DynamoHandler.serialized = _serialized  # type: ignore[method-assign]


def written_by_moto() -> None:
    """The original serializer again (tests compare the two)."""
    DynamoHandler.serialized = _ORIGINAL  # type: ignore[method-assign,assignment]


def _serialized(self: BaseResponse, action_result: ActionResult) -> Response:
    result: Any = action_result.result
    if isinstance(result, Exception) or self._get_action() not in ITEM_OPERATIONS:
        return _ORIGINAL(self, action_result)
    try:
        body = json.dumps(result)
    except TypeError:  # bytes, datetimes: the shape-driven path knows how to write them
        return _ORIGINAL(self, action_result)
    headers: dict[str, Any] = {"Content-Type": CONTENT_TYPE}
    headers.update(self.response_headers)
    return 200, headers, body
