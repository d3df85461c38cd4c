"""CPU seconds by where they were spent inside the local system's one process: what one order really costs here.

Short-lived threads (moto serves each request on a thread of its own, Step Functions runs each execution on one)
are measured with the thread's CPU clock around their entry points, each bucket keeping only its own time (not that
of a measured call beneath it); long-lived named threads (the API's event loop and its worker pool, the local
cloud's delivery pool, the bench's shoppers) from /proc at both ends of the window, less what was measured inside
them. What no bucket claims is "the rest", so the buckets add up to the process's CPU.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from bench.cpu import proc_cpu_seconds
from infra.local.lambda_handlers import Handlers

MOTO_HTTP = "moto: HTTP server (werkzeug, a thread per request)"
MOTO_ROUTING = "moto: request routing (one lock for every service)"
MOTO_DYNAMODB = "moto: DynamoDB (incl. the local cloud's lock)"
MOTO_OTHER = "moto: other services (Step Functions API, EventBridge, SES, …)"
STEP_FUNCTIONS = "moto: Step Functions interpreter"
CLIENTS = "boto3 clients built (each function's at its first call: by the unmetered warm-up order)"
HANDLERS = "Lambda handlers run by the local runtime (incl. their boto3 and Stripe clients)"
API = "API and webhook: uvicorn, Strawberry, resolvers (incl. their boto3 and Stripe clients)"
DELIVERY = "local cloud: event delivery and async invokes (without the handlers)"
SHOPPERS = "bench shoppers (HTTP clients, card tokens)"
METERING = "bench: metering DynamoDB request units (reads items back, sizes them)"
REST = "the rest (Step Functions task threads' Lambda clients, GC, the sampler, …)"

# Long-lived threads by name prefix (infra/local/http.py, asyncio's default executor, background.py, pipeline.py).
_NAMED_THREADS = {"http-": API, "asyncio_": API, "local-cloud": DELIVERY, "shopper": SHOPPERS}


class CpuBudget:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent: defaultdict[str, float] = defaultdict(float)
        self._measured_in_named: defaultdict[str, float] = defaultdict(float)  # inside a long-lived named thread
        self._local = threading.local()
        self._originals: list[tuple[Any, str, Any]] = []
        self._threads_at_start: dict[int, float] = {}
        self.active = False

    def install(self) -> None:
        self._wrap(MotoRequestHandler, "handle", self._measured(MOTO_HTTP))
        self._wrap(DomainDispatcherApplication, "get_application", self._measured(MOTO_ROUTING))
        self._wrap(DynamoHandler, "call_action", self._measured(MOTO_DYNAMODB))
        self._wrap(ExecutionWorker, "_execution_logic", self._measured(STEP_FUNCTIONS))
        self._wrap(Handlers, "call", self._measured(HANDLERS))
        self._wrap(boto3.session.Session, "client", self._measured(CLIENTS))
        self._wrap(DomainDispatcherApplication, "__call__", self._measured(MOTO_OTHER))

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._originals):
            if original is None:
                delattr(owner, name)  # it was inherited: let the base class's serve again
            else:
                setattr(owner, name, original)
        self._originals = []

    def start(self) -> None:
        with self._lock:
            self._spent.clear()
            self._measured_in_named.clear()
        self._threads_at_start = _named_thread_cpu()
        self.active = True

    def stop(self, process_cpu_s: float) -> dict[str, float]:
        """CPU seconds per bucket; `process_cpu_s` is the whole process's over the same window."""
        self.active = False
        with self._lock:
            spent = defaultdict(float, self._spent)
            measured_in_named = dict(self._measured_in_named)
        names = _thread_names()
        for ident, seconds in _named_thread_cpu().items():
            bucket = _named_bucket(names.get(ident, ""))
            if bucket is not None:
                spent[bucket] += seconds - self._threads_at_start.get(ident, 0.0)
        for bucket, seconds in measured_in_named.items():
            spent[bucket] -= seconds
        spent[REST] = process_cpu_s - sum(spent.values())
        return {bucket: max(0.0, seconds) for bucket, seconds in spent.items()}

    def _wrap(self, owner: Any, name: str, wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        original = getattr(owner, name)
        self._originals.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, wrapper(original))

    def _measured(self, bucket: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        budget = self

        def wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
            def measured(*args: Any, **kwargs: Any) -> Any:
                if not budget.active:
                    return original(*args, **kwargs)
                with budget._clock(bucket):
                    return original(*args, **kwargs)

            return measured

        return wrapper

    @contextmanager
    def clock(self, bucket: str) -> Iterator[None]:
        """Charge the CPU of this block, on this thread, to `bucket` (and not to a measured call around it)."""
        if not self.active:
            yield
            return
        with self._clock(bucket):
            yield

    @contextmanager
    def _clock(self, bucket: str) -> Iterator[None]:
        children: list[float] = self._local.__dict__.setdefault("children", [])
        children.append(0.0)
        started = time.thread_time()
        try:
            yield
        finally:
            total = time.thread_time() - started
            own = total - children.pop()
            if children:
                children[-1] += total
            outermost_in = None if children else _named_bucket(threading.current_thread().name)
            with self._lock:
                self._spent[bucket] += own
                if outermost_in is not None:
                    self._measured_in_named[outermost_in] += total


def _named_bucket(thread_name: str) -> str | None:
    return next((bucket for prefix, bucket in _NAMED_THREADS.items() if thread_name.startswith(prefix)), None)


def _thread_names() -> dict[int, str]:
    return {thread.native_id: thread.name for thread in threading.enumerate() if thread.native_id is not None}


def _named_thread_cpu() -> dict[int, float]:
    """CPU seconds so far of every live thread whose name puts it in a bucket, by native id."""
    cpu = {}
    for ident, name in _thread_names().items():
        if _named_bucket(name) is None:
            continue
        seconds = proc_cpu_seconds(Path(f"/proc/self/task/{ident}/stat"))
        if seconds is not None:
            cpu[ident] = seconds
    return cpu
