"""One Lambda client per local runtime for the Step Functions tasks, instead of one per task.

moto's interpreter builds a boto3 client for every Lambda task it runs (`boto_client_for`): measured by `make bench`
as ~50 ms of CPU per order, as much as the interpreter's own work. A client is safe to share between threads, and
it carries the local runtime's `lambda:Invoke` hook from the moment it is made, so it is kept per runtime: a cloud
started later in the same process gets clients of its own.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from botocore.client import BaseClient
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for

from infra.local import lambda_runtime
from infra.local.lambda_runtime import LocalLambdaRuntime

_ORIGINAL = boto_client_for
_clients: weakref.WeakKeyDictionary[LocalLambdaRuntime, dict[str, BaseClient]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def reuse_task_clients() -> None:
    module: Any = lambda_eval_utils  # the name the Lambda task calls, bound at its import
    module.boto_client_for = _boto_client_for


def _boto_client_for(region: str, service: str, state_credentials: Any = None) -> BaseClient:
    runtime = lambda_runtime.installed()
    if runtime is None or service != "lambda":
        return _ORIGINAL(region=region, service=service, state_credentials=state_credentials)
    with _lock:
        by_region = _clients.setdefault(runtime, {})
        if region not in by_region:
            by_region[region] = _ORIGINAL(region=region, service=service, state_credentials=state_credentials)
        return by_region[region]
