"""A local Lambda runtime: `lambda:Invoke` calls run the deployed handler string in this process.

The hook sits on botocore's `before-call.lambda.Invoke` event of boto3's default session, which is where moto's
Step Functions interpreter builds its Lambda clients (`boto3.client(...)`). botocore copies a session's event
hooks into each client when the client is created, so only clients created after `install` are intercepted.
Functions it does not know are left to moto, which answers ResourceNotFoundException like AWS.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, cast

import boto3

from infra.local.aws import REGION
from infra.local.background import BackgroundWork, Failure
from infra.local.faults import Faults
from infra.local.iam_enforcement import acting_as
from infra.local.lambda_context import LambdaContext
from infra.local.lambda_handlers import Handlers, Outcome, error_document
from infra.local.lambda_invoke_api import (
    BotocoreResponse,
    error_response,
    invoke_response,
    parse_invoke_request,
    unqualified_function_name,
)

if TYPE_CHECKING:
    from infra.local.xray import LocalXRay

logger = logging.getLogger(__name__)

InvocationType = Literal["RequestResponse", "Event"]

_INVOKE_EVENT = "before-call.lambda.Invoke"
_HOOK_ID = f"{__name__}.invoke"
MOTO_ACCOUNT_ID = "123456789012"  # moto's account for any fake credentials


@dataclass(frozen=True)
class LocalFunction:
    name: str  # the function name Invoke is called with (bare, or as the last part of its ARN)
    handler: str  # "module.function", as Lambda is configured
    memory_mb: int = 512
    timeout_s: int = 15


@dataclass(frozen=True)
class Invocation:
    function_name: str
    request_id: str
    invocation_type: InvocationType
    started_at: datetime
    duration_ms: float
    error_type: str | None


class FunctionNotFoundError(LookupError):
    def __init__(self, function_name: str) -> None:
        super().__init__(f"Function not found: {function_name}")
        self.function_name = function_name


class LocalLambdaRuntime:
    def __init__(
        self,
        functions: Iterable[LocalFunction],
        *,
        region: str = REGION,
        account_id: str = MOTO_ACCOUNT_ID,
        work: BackgroundWork | None = None,
        history: int = 10_000,
    ) -> None:
        self._functions = {function.name: function for function in functions}
        self._region = region
        self._account_id = account_id
        self.work = work or BackgroundWork()
        self._handlers = Handlers()
        self._invocations: deque[Invocation] = deque(maxlen=history)
        self.faults = Faults()
        self.xray: LocalXRay | None = None  # set when the local cloud traces: a segment per invocation

    @property
    def function_names(self) -> list[str]:
        return sorted(self._functions)

    def invoke(
        self,
        function_name: str,
        event: Any,
        *,
        invocation_type: InvocationType = "RequestResponse",
        trace_header: str | None = None,
    ) -> Any:
        """Run the handler on this thread with `event` as JSON would deliver it; raise what the handler raised."""
        function = self._function(function_name)
        outcome = self._run(function, json.dumps(event).encode(), invocation_type, _request_id(), trace_header)
        if outcome.error is not None:
            raise outcome.error
        return json.loads(outcome.payload)

    def invoke_async(self, function_name: str, event: Any) -> str:
        """Queue the invocation like InvocationType=Event and answer its request id."""
        return self._submit(self._function(function_name), json.dumps(event).encode())

    @property
    def invocations(self) -> list[Invocation]:
        return list(self._invocations)

    @property
    def failures(self) -> list[Failure]:
        return self.work.failures

    def wait_idle(self, timeout: float = 10.0) -> None:
        self.work.wait_idle(timeout)

    def close(self) -> None:
        self.work.close()

    def on_invoke_call(self, params: dict[str, Any], **_: Any) -> BotocoreResponse | None:
        """botocore's before-call hook: answer the Invoke call instead of sending it."""
        request = parse_invoke_request(params)
        function = self._functions.get(request.unqualified_name)
        if function is None:
            return None
        if request.invocation_type == "DryRun":
            return invoke_response(204, _request_id())
        try:
            json.loads(request.payload or b"{}")
        except ValueError as exc:
            return error_response(400, "InvalidRequestContentException", f"Could not parse request body: {exc}")
        if request.invocation_type == "Event":
            return invoke_response(202, self._submit(function, request.payload))
        request_id = _request_id()
        outcome = self._run(function, request.payload, "RequestResponse", request_id)
        return invoke_response(200, request_id, outcome.payload, "Unhandled" if outcome.error else None)

    def _function(self, function_name: str) -> LocalFunction:
        function = self._functions.get(unqualified_function_name(function_name))
        if function is None:
            raise FunctionNotFoundError(function_name)
        return function

    def _submit(self, function: LocalFunction, payload: bytes) -> str:
        # Lambda keeps one request id across the retries of an async invoke (it retries a failing one twice).
        request_id = _request_id()

        def attempt() -> None:
            outcome = self._run(function, payload, "Event", request_id)
            if outcome.error is not None:
                raise outcome.error

        self.work.submit(f"async invoke of {function.name} ({request_id})", attempt)
        return request_id

    def _run(
        self,
        function: LocalFunction,
        payload: bytes,
        invocation_type: InvocationType,
        request_id: str,
        trace_header: str | None = None,
    ) -> Outcome:
        context = LambdaContext(
            function_name=function.name,
            invoked_function_arn=f"arn:aws:lambda:{self._region}:{self._account_id}:function:{function.name}",
            memory_limit_in_mb=function.memory_mb,
            timeout_s=function.timeout_s,
            aws_request_id=request_id,
        )
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        self.faults.wait_if_held(function.name, payload)
        with self.work.tracking(), self._segment(function, payload, trace_header), acting_as(function.name):
            injected = self.faults.take(function.name, payload)
            if injected is not None:
                outcome = Outcome(error_document(injected, request_id), injected)
            else:
                outcome = self._handlers.call(function.handler, payload, context)
        duration_ms = (time.perf_counter() - start) * 1000
        self._invocations.append(
            Invocation(function.name, request_id, invocation_type, started_at, duration_ms, outcome.error_type)
        )
        if duration_ms > function.timeout_s * 1000:
            # Threads cannot be stopped, so the local runtime lets it finish; say so rather than hide it.
            logger.warning(
                "%s ran %.0f ms, over its %d s timeout: AWS would have stopped it",
                function.name,
                duration_ms,
                function.timeout_s,
            )
        return outcome

    def _segment(
        self, function: LocalFunction, payload: bytes, trace_header: str | None
    ) -> AbstractContextManager[Any]:
        if self.xray is None:
            return nullcontext()
        # Lambda continues the caller's trace; a saga Task's caller is its execution (see infra.local.xray).
        header = trace_header or self.xray.current_header() or self.xray.header_for_task(payload)
        return self.xray.segment(function.name, header)


def _request_id() -> str:
    return str(uuid.uuid4())


# Installed runtimes, newest last: the newest serves, and uninstalling it restores the one before.
_installed: list[tuple[LocalLambdaRuntime, boto3.Session]] = []


def install(
    functions: Iterable[LocalFunction],
    *,
    region: str = REGION,
    account_id: str = MOTO_ACCOUNT_ID,
    work: BackgroundWork | None = None,
) -> LocalLambdaRuntime:
    """Route `lambda:Invoke` of these functions, from clients of boto3's default session, to this process."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    assert session is not None
    runtime = LocalLambdaRuntime(functions, region=region, account_id=account_id, work=work)
    if _installed:
        _unregister(_installed[-1][1])
    _register(runtime, session)
    _installed.append((runtime, session))
    logger.info("local Lambda runtime serving %s", ", ".join(runtime.function_names) or "no functions")
    return runtime


def uninstall() -> None:
    """Stop and remove the newest runtime; the one installed before it, if any, serves again."""
    if not _installed:
        return
    runtime, session = _installed.pop()
    _unregister(session)
    runtime.close()
    if _installed:
        _register(*_installed[-1])


def installed() -> LocalLambdaRuntime | None:
    return _installed[-1][0] if _installed else None


def _register(runtime: LocalLambdaRuntime, session: boto3.Session) -> None:
    # The stubs type every hook as returning None, but a before-call hook's answer replaces the HTTP call.
    hook = cast("Callable[..., None]", runtime.on_invoke_call)
    session.events.register(_INVOKE_EVENT, hook, unique_id=_HOOK_ID)


def _unregister(session: boto3.Session) -> None:
    session.events.unregister(_INVOKE_EVENT, unique_id=_HOOK_ID)
