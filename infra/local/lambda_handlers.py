"""Calling a handler the way AWS's Python runtime does: import `module.function` once, JSON in, JSON out.

Failures come back as Lambda's error document (`errorType`, `errorMessage`, `stackTrace`). `errorType` is what
Step Functions matches `ErrorEquals` against, so it must be the bare class name, or `Runtime.*` when the runtime
itself failed (the module does not import, the result is not JSON).
"""

from __future__ import annotations

import importlib
import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.lambda_context import LambdaContext

Handler = Callable[[Any, LambdaContext], Any]


class LambdaRuntimeError(Exception):
    """A failure of the runtime rather than of the handler."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


@dataclass(frozen=True)
class Outcome:
    payload: bytes  # the JSON result, or the error document when `error` is set
    error: BaseException | None

    @property
    def error_type(self) -> str | None:
        return error_type(self.error) if self.error else None


def error_type(error: BaseException) -> str:
    return error.error_type if isinstance(error, LambdaRuntimeError) else type(error).__name__


class Handlers:
    def __init__(self) -> None:
        self._loaded: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def call(self, handler: str, payload: bytes, context: LambdaContext) -> Outcome:
        try:
            result = self._load(handler)(json.loads(payload or b"{}"), context)
        except Exception as exc:
            return Outcome(error_document(exc, context.aws_request_id), exc)
        try:
            return Outcome(json.dumps(result).encode(), None)
        except (TypeError, ValueError) as exc:
            error = LambdaRuntimeError("Runtime.MarshalError", f"Unable to marshal response: {exc}")
            return Outcome(error_document(error, context.aws_request_id), error)

    def _load(self, handler: str) -> Handler:
        with self._lock:
            loaded = self._loaded.get(handler)
        if loaded is not None:
            return loaded
        module_name, _, attribute = handler.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            message = f"Unable to import module '{module_name}': {exc}"
            raise LambdaRuntimeError("Runtime.ImportModuleError", message) from exc
        found = getattr(module, attribute, None)
        if not callable(found):
            message = f"Handler '{attribute}' missing on module '{module_name}'"
            raise LambdaRuntimeError("Runtime.HandlerNotFound", message)
        function: Handler = found
        with self._lock:
            self._loaded[handler] = function
        return function


def error_document(error: BaseException, request_id: str) -> bytes:
    frames = traceback.extract_tb(error.__traceback__)[1:]  # the first frame is `Handlers.call`
    return json.dumps(
        {
            "errorMessage": str(error),
            "errorType": error_type(error),
            "requestId": request_id,
            "stackTrace": traceback.format_list(frames),
        }
    ).encode()
