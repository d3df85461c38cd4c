"""Where the time goes inside the one process that runs moto, the Lambda handlers and the API: a stack sampler.

Every few milliseconds it looks at every thread's stack. A thread whose innermost frame waits (a socket, a queue, a
sleep) counts as idle; one parked on a lock is counted per lock; any other thread counts as wanting the CPU, for
the component its innermost recognised frame belongs to. Python's sampler
cannot tell the thread holding the GIL from those queued for it, so "busy threads" above 1.0 on average means
threads queueing for the interpreter: the process is GIL-bound.
"""

from __future__ import annotations

import linecache
import re
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from types import FrameType

# Innermost match wins: a handler serialising JSON for botocore counts as botocore, not as the handler.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("moto: DynamoDB", ("/moto/dynamodb/",)),
    ("moto: Step Functions interpreter", ("/moto/stepfunctions/",)),
    ("moto: request routing", ("/moto/moto_server/", "/moto/backends.py")),
    ("moto: other services and core", ("/moto/",)),
    ("moto's HTTP server (werkzeug)", ("/werkzeug/",)),
    ("boto3/botocore clients", ("/botocore/", "/boto3/", "/urllib3/", "/s3transfer/")),
    ("Stripe SDK (requests)", ("/stripe/", "/requests/")),
    ("GraphQL (Strawberry, graphql-core)", ("/strawberry/", "/graphql/")),
    ("HTTP server and client (uvicorn, starlette, httpx)", ("/uvicorn/", "/starlette/", "/h11/", "/httpx", "/anyio/")),
    ("product code (commerce, handlers, graphql_api)", ("/commerce/", "/handlers/", "/graphql_api/", "/sagas/")),
    ("local cloud glue (infra/local)", ("/infra/local/",)),
    ("bench itself (shoppers, meters)", ("/bench/", "/tests/")),
)
# Locks worth naming; any other is reported by file and function.
KNOWN_LOCKS = {
    "_DYNAMODB_LOCK": "the local cloud's DynamoDB lock (infra/local/aws.py)",
    "werkzeug_app.py:get_application": "moto's request-routing lock (moto_server/werkzeug_app.py)",
    "default_streaming.py:stream": "aws-xray-sdk's streaming lock (the local X-Ray tracing)",
}
_TAKING_A_LOCK = re.compile(r"\bwith\b[^:]*lock|\.acquire\(", re.IGNORECASE)
_WAITING_CALLS = ("sleep(", ".wait(", "wait_for(", "select(", "accept(", ".recv(", ".recv_into(")
_WAITING_FILES = (
    "threading.py",
    "queue.py",
    "selectors.py",
    "socket.py",
    "ssl.py",
    "socketserver.py",
    "/concurrent/futures/thread.py",  # an idle pool worker; a working one has the task's frames below
)


@dataclass(frozen=True)
class Samples:
    ticks: int
    busy: Counter[str]  # component → thread-samples wanting the CPU
    lock_waits: Counter[str]  # lock → thread-samples waiting for it

    @property
    def busy_threads(self) -> float:
        return sum(self.busy.values()) / self.ticks if self.ticks else 0.0

    def waiting_threads(self) -> list[tuple[str, float]]:
        """Locks by the average number of threads waiting for them, most contended first."""
        return [(lock, count / self.ticks) for lock, count in self.lock_waits.most_common()] if self.ticks else []

    def shares(self) -> list[tuple[str, float]]:
        """Components by their share of the busy samples, largest first."""
        total = sum(self.busy.values())
        return [(name, count / total) for name, count in self.busy.most_common()] if total else []


@dataclass(frozen=True)
class State:
    busy_in: str | None = None  # the component, when the thread wants the CPU
    waiting_for: str | None = None  # the lock, when it is parked on one


IDLE = State()


def classify(frame: FrameType | None) -> State:
    """What a thread is doing, judged from its stack."""
    if frame is None:
        return IDLE
    filename = frame.f_code.co_filename
    line = linecache.getline(filename, frame.f_lineno or 0)
    if filename.endswith(_WAITING_FILES) or any(call in line for call in _WAITING_CALLS):
        return IDLE  # threading.py's own lines take locks too: a Condition's wait is idleness, not contention
    if _TAKING_A_LOCK.search(line):
        return State(waiting_for=_lock_name(filename, frame.f_code.co_name, line))
    current: FrameType | None = frame
    while current is not None:
        filename = current.f_code.co_filename
        for name, markers in COMPONENTS:
            if any(marker in filename for marker in markers):
                return State(busy_in=name)
        current = current.f_back
    return State(busy_in="other (standard library, other packages)")


def _lock_name(filename: str, function: str, line: str) -> str:
    where = f"{filename.rsplit('/', 1)[-1]}:{function}"
    return next((name for marker, name in KNOWN_LOCKS.items() if marker in line or marker == where), where)


class StackSampler:
    def __init__(self, interval_s: float = 0.02) -> None:
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._ticks = 0
        self._busy: Counter[str] = Counter()
        self._lock_waits: Counter[str] = Counter()

    def start(self) -> StackSampler:
        self._thread.start()
        return self

    def stop(self) -> Samples:
        self._stop.set()
        self._thread.join()
        return Samples(self._ticks, self._busy, self._lock_waits)

    def _run(self) -> None:
        own = threading.get_ident()
        while not self._stop.wait(self._interval):
            self._ticks += 1
            for ident, frame in sys._current_frames().items():
                if ident == own:
                    continue
                state = classify(frame)
                if state.waiting_for is not None:
                    self._lock_waits[state.waiting_for] += 1
                elif state.busy_in is not None:
                    self._busy[state.busy_in] += 1
