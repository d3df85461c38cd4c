"""The local X-Ray daemon: receives what the real X-Ray SDK sends (UDP, `{"format": "json", "version": 1}` then a
segment document per datagram) and keeps the newest traces to read back, assembled as X-Ray's console shows them.

A subsegment the SDK streamed on its own (Powertools sets the streaming threshold to 0) names its parent and its
segment; `Trace.segments` puts every one back under its parent.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

_MAX_DATAGRAM = 65_535


@dataclass(frozen=True)
class Trace:
    trace_id: str
    documents: tuple[dict[str, Any], ...]

    def segments(self) -> list[dict[str, Any]]:
        """The trace's segments, oldest first, each with its subsegments nested (copies; the documents stay)."""
        tops = [_copy_tree(document) for document in self.documents]
        nodes = {node["id"]: node for top in tops for node in _walk(top)}
        roots = []
        for top in tops:
            parent = nodes.get(top.get("parent_id", "")) if top.get("type") == "subsegment" else None
            if parent is not None:
                parent.setdefault("subsegments", []).append(top)
            else:
                roots.append(top)  # a segment, or a subsegment whose parent has not arrived (yet): shown, not hidden
        for node in nodes.values():
            node.get("subsegments", []).sort(key=lambda child: child.get("start_time", 0))
        return sorted(roots, key=lambda root: root.get("start_time", 0))

    def entities(self) -> Iterator[dict[str, Any]]:
        """Every segment and subsegment, depth first."""
        for segment in self.segments():
            yield from _walk(segment)

    def names(self) -> list[str]:
        return [entity["name"] for entity in self.entities()]

    def annotations(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for entity in self.entities():
            merged |= entity.get("annotations", {})
        return merged

    @property
    def started_at(self) -> float:
        return min((document.get("start_time", 0.0) for document in self.documents), default=0.0)

    @property
    def ended_at(self) -> float:
        return max((document.get("end_time", 0.0) for document in self.documents), default=0.0)


class TraceCollector:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, capacity: int = 300) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Bursts (a saga streams a subsegment per AWS call) must not overflow the kernel's default buffer.
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self._socket.bind((host, port))
        self._socket.settimeout(0.2)
        self._capacity = capacity
        self._traces: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Condition()
        self._running = True
        self._thread = threading.Thread(target=self._receive, name="xray-collector", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        """What AWS_XRAY_DAEMON_ADDRESS names: host:port."""
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def traces(self, limit: int = 20, *, annotated: dict[str, str] | None = None) -> list[Trace]:
        """The newest traces first; `annotated` keeps those with every given annotation (e.g. an order id)."""
        with self._lock:
            found = [Trace(trace_id, tuple(documents)) for trace_id, documents in reversed(self._traces.items())]
        if annotated:
            found = [trace for trace in found if annotated.items() <= trace.annotations().items()]
        return found[:limit]

    def trace(self, trace_id: str) -> Trace | None:
        with self._lock:
            documents = self._traces.get(trace_id)
            return Trace(trace_id, tuple(documents)) if documents else None

    def wait_for(self, test: Callable[[list[Trace]], Trace | None], timeout: float = 10.0) -> Trace:
        """The first trace `test` picks from the newest ones, waiting for more documents until it picks one."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                picked = test([Trace(t, tuple(d)) for t, d in reversed(self._traces.items())])
                if picked is not None:
                    return picked
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching trace within {timeout} s")
                self._lock.wait(remaining)

    def stop(self) -> None:
        self._running = False
        self._thread.join(timeout=2)
        self._socket.close()

    def _receive(self) -> None:
        while self._running:
            try:
                datagram = self._socket.recv(_MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError:
                return
            document = _document(datagram)
            if document is not None:
                self._add(document)

    def _add(self, document: dict[str, Any]) -> None:
        with self._lock:
            trace_id = document["trace_id"]
            self._traces.setdefault(trace_id, []).append(document)
            self._traces.move_to_end(trace_id)
            while len(self._traces) > self._capacity:
                self._traces.popitem(last=False)
            self._lock.notify_all()


def _document(datagram: bytes) -> dict[str, Any] | None:
    header, _, body = datagram.partition(b"\n")
    try:
        if json.loads(header).get("format") != "json":
            return None
        document = json.loads(body)
    except ValueError:
        logger.warning("dropped a datagram that is not an X-Ray segment document")
        return None
    return document if isinstance(document, dict) and "trace_id" in document and "id" in document else None


def _walk(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield entity
    for child in entity.get("subsegments", []):
        yield from _walk(child)


def _copy_tree(entity: dict[str, Any]) -> dict[str, Any]:
    copied = dict(entity)
    if "subsegments" in copied:
        copied["subsegments"] = [_copy_tree(child) for child in copied["subsegments"]]
    return copied
