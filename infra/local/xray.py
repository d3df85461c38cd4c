"""X-Ray on the local cloud: the real SDK sends real segments to the local collector, and this module does what
the Lambda service and Step Functions do for tracing on AWS.

- A segment per invocation, named after the function, as the Lambda service opens one; the handler's own
  subsegment (commerce.adapters.invocation) and its AWS and Stripe calls nest in it.
- The trace carried on: a caller's trace header reaches what it starts. EventBridge passes the PutEvents request's
  header to the targets (the local delivery reads it off moto's request); Step Functions passes the StartExecution
  caller's trace to every Task (moto does not, so the trace of each StartExecution is remembered here by execution
  name and found again from the `execution` the saga puts in every Task's payload).
- The SDK keeps trace entities per thread; here they live in a ContextVar, because the local API serves many
  requests on one event loop and runs their blocking calls on `asyncio.to_thread`, which copies the ContextVars of
  its request and nothing else. Untraced calls (moto's own, the local cloud's setup) meet a dummy segment: nothing
  is recorded and nothing is logged.
"""

from __future__ import annotations

import json
import os
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import boto3
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.models.dummy_entities import DummySegment
from aws_xray_sdk.core.models.trace_header import TraceHeader

from infra.local.trace_collector import TraceCollector

_START_EXECUTION = "before-parameter-build.sfn.StartExecution"
_HOOK_ID = f"{__name__}.start_execution"
_REMEMBERED_EXECUTIONS = 10_000


class ContextVarContext(Context):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(context_missing="IGNORE_ERROR")
        # Tuples, replaced rather than changed: a copied context (to_thread) must not pop its parent's entities.
        self._entities: ContextVar[tuple[Any, ...]] = ContextVar(f"xray_entities_{id(self)}", default=())

    def put_segment(self, segment: Any) -> None:
        self._entities.set((segment,))

    def put_subsegment(self, subsegment: Any) -> None:
        self.get_trace_entity().add_subsegment(subsegment)
        self._entities.set((*self._entities.get(), subsegment))

    def end_subsegment(self, end_time: float | None = None) -> bool:
        entity = self.get_trace_entity()
        if not self._is_subsegment(entity):
            return False
        entity.close(end_time)
        self._entities.set(self._entities.get()[:-1])
        return True

    def get_trace_entity(self) -> Any:
        entities = self._entities.get()
        return entities[-1] if entities else DummySegment()

    def set_trace_entity(self, trace_entity: Any) -> None:
        self._entities.set((trace_entity,))

    def clear_trace_entities(self) -> None:
        self._entities.set(())

    def saved(self) -> tuple[Any, ...]:
        return self._entities.get()

    def restore(self, entities: tuple[Any, ...]) -> None:
        self._entities.set(entities)


class LocalXRay:
    def __init__(self, collector: TraceCollector) -> None:
        self.collector = collector
        self._context = ContextVarContext()
        self._executions: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def install(self) -> None:
        """Point the SDK at the collector; handlers see AWS_XRAY_DAEMON_ADDRESS and turn tracing on."""
        xray_recorder.configure(
            sampling=False,  # every local request is traced
            context=self._context,
            daemon_address=self.collector.address,
            context_missing="IGNORE_ERROR",
            plugins=(),
        )
        os.environ["AWS_XRAY_DAEMON_ADDRESS"] = self.collector.address
        _default_session().events.register(_START_EXECUTION, self._on_start_execution, unique_id=_HOOK_ID)

    def uninstall(self) -> None:
        _default_session().events.unregister(_START_EXECUTION, unique_id=_HOOK_ID)
        self.collector.stop()

    @contextmanager
    def segment(self, name: str, header: str | None = None) -> Iterator[Any]:
        """One invocation's segment, in the caller's trace when `header` names a sampled one."""
        parent = _sampled(header)
        saved = self._context.saved()
        segment = xray_recorder.begin_segment(
            name=name,
            traceid=parent.root if parent else None,
            parent_id=parent.parent if parent else None,
            sampling=1,
        )
        try:
            yield segment
        except Exception as exc:
            segment.add_exception(exc, traceback.extract_tb(exc.__traceback__))
            raise
        finally:
            xray_recorder.end_segment()
            self._context.restore(saved)

    def current_header(self) -> str | None:
        """The trace header a call made here would carry, or None when nothing is traced here."""
        entity = xray_recorder.get_trace_entity()
        if entity is None or not entity.sampled:
            return None
        return TraceHeader(root=entity.trace_id, parent=entity.id, sampled=1).to_header_str()  # type: ignore[no-any-return]

    def remember_execution(self, name: str, header: str | None) -> None:
        if header is None:
            return
        with self._lock:
            self._executions[name] = header
            while len(self._executions) > _REMEMBERED_EXECUTIONS:
                self._executions.popitem(last=False)

    def header_for_task(self, payload: bytes) -> str | None:
        """The trace of the execution a saga Task's payload names (`"execution": "<execution ARN>"`)."""
        try:
            execution = json.loads(payload or b"{}").get("execution")
        except (ValueError, AttributeError):
            return None
        if not isinstance(execution, str):
            return None
        with self._lock:
            return self._executions.get(execution.rsplit(":", 1)[-1])

    def _on_start_execution(self, params: dict[str, Any], **_: Any) -> None:
        name = params.get("name")
        if isinstance(name, str):
            self.remember_execution(name, self.current_header())


def incoming_header() -> str | None:
    """The X-Amzn-Trace-Id of the request moto is serving on this thread (its server runs on Flask), if any."""
    from flask import has_request_context, request

    return request.headers.get("X-Amzn-Trace-Id") if has_request_context() else None


def _sampled(header: str | None) -> TraceHeader | None:
    if not header:
        return None
    parsed = TraceHeader.from_header_str(header)
    # Calls made outside any trace carry the SDK's dummy, unsampled header: they start a trace of their own.
    return parsed if parsed.root and parsed.sampled == 1 else None


def _default_session() -> boto3.Session:
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    return boto3.DEFAULT_SESSION
