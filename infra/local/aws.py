"""moto in server mode inside this process, configured so Step Functions really executes state machines."""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto import backends
from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

from infra.local.moto_dynamodb_responses import write_item_responses_directly
from infra.local.moto_state_machines import parse_each_definition_once
from infra.local.moto_throttling import throttle_partitions
from infra.local.moto_transactions import copy_only_touched_items, honour_client_request_tokens
from infra.local.ports import require_free

logger = logging.getLogger(__name__)

REGION = "us-east-1"

# Obviously fake credentials: moto accepts anything, real AWS accepts none of these.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


@dataclass
class MotoCloud:
    host: str
    port: int
    server: ThreadedMotoServer

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.stop()


def start_moto(port: int, host: str = "127.0.0.1") -> MotoCloud:
    """Start moto on `port` and point every boto3 client of this process at it.

    MOTO_PORT must be set before the first state machine runs: moto's Step Functions interpreter
    calls Lambda, EventBridge and DynamoDB through its own boto3 clients at localhost:$MOTO_PORT.
    """
    require_free(host, port, "local AWS (moto)")
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["MOTO_PORT"] = str(port)
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    # moto's Werkzeug server logs every request at INFO; the local cloud prints its own one-line summaries.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    serialise_dynamodb()
    copy_only_touched_items()
    honour_client_request_tokens()
    throttle_partitions()  # off until a test or the proof sets a limit (LocalCloud.partitions_throttled)
    list_moto_modules_once()
    write_item_responses_directly()
    parse_each_definition_once()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    cloud = MotoCloud(host=host, port=port, server=server)
    _configure(cloud, {"stepfunctions": {"execute_state_machine": True}})
    logger.info("moto listening on %s", cloud.endpoint_url)
    return cloud


_DYNAMODB_LOCK = threading.RLock()
_ORIGINAL_CALL_ACTION = DynamoHandler.call_action


def _serialised_call_action(self: DynamoHandler) -> Any:
    with _DYNAMODB_LOCK:
        return _ORIGINAL_CALL_ACTION(self)


@contextmanager
def dynamodb_paused() -> Iterator[None]:
    """No DynamoDB request runs meanwhile (a request arriving waits): every table as of one instant."""
    with _DYNAMODB_LOCK:
        yield


def serialise_dynamodb() -> None:
    """Make each DynamoDB request atomic, as DynamoDB is.

    moto's server handles every request on its own thread and applies a condition check and its write (or a
    transaction's items) as separate steps, so two concurrent conditional writes can both pass: measured here as
    oversold stock under contention. DynamoDB evaluates a condition and writes atomically and isolates
    TransactWriteItems from other reads and writes; one lock around every DynamoDB request restores that.
    """
    DynamoHandler.call_action = _serialised_call_action  # type: ignore[method-assign]


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_LIST_MOTO_MODULES())


_LIST_MOTO_MODULES = backends.list_of_moto_modules


def list_moto_modules_once() -> None:
    """moto's router lists its ~170 package folders (a directory read and a stat each) for every request to find
    the service; the folders do not change while it runs."""
    module: Any = backends
    module.list_of_moto_modules = _moto_modules


def _configure(cloud: MotoCloud, config: dict[str, object]) -> None:
    request = urllib.request.Request(  # noqa: S310 - a fixed http URL on loopback
        f"{cloud.endpoint_url}/moto-api/config",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        response.read()
