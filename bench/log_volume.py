"""Bytes the functions would send to CloudWatch Logs: their log records at INFO (the level the deployment sets) as
Powertools' JSON lines, their EMF metric documents (one line each on Lambda's stdout), and Lambda's own platform
lines where the deployment's system log level lets them through.

Locally the handlers log through the standard library with no Lambda formatter, so each record is formatted here as
Powertools would (without the invocation's correlation keys, which add some tens of bytes); Lambda's platform lines
are an estimate per invocation. For one process that hosts the local cloud and nothing else (a pipeline run):
it takes over stdout.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from commerce.adapters import emf_metrics
from infra.deployment import LAMBDA_LOGGING

# The application's loggers; libraries log at WARNING on Lambda (commerce/adapters/log_format.py).
APPLICATION_LOGGERS = ("commerce", "handlers", "graphql_api")
# Lambda's own lines per invocation (start, report), sent only when the system log level lets INFO through.
_PLATFORM_LINE_BYTES = 420
PLATFORM_BYTES_PER_INVOCATION = _PLATFORM_LINE_BYTES if LAMBDA_LOGGING["system_log_level"] in {"INFO", "DEBUG"} else 0


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.bytes = 0
        self.active = False

    def add(self, size: int) -> None:
        if self.active:
            with self._lock:
                self.bytes += size

    def take(self) -> int:
        with self._lock:
            taken, self.bytes = self.bytes, 0
        return taken


class _QuietStdout(io.TextIOBase):
    """Stands in for stdout: shows nothing; counts what is printed when EMF documents are not counted at source."""

    def __init__(self, counter: _Counter | None) -> None:
        self._counter = counter

    def write(self, text: str) -> int:
        if self._counter is not None:
            self._counter.add(len(text.encode()))
        return len(text)


class _CountingHandler(logging.Handler):
    def __init__(self, counter: _Counter) -> None:
        super().__init__(logging.INFO)
        self._counter = counter
        self.setFormatter(LambdaPowertoolsFormatter(service="bench", utc=True, use_rfc3339=True))

    def emit(self, record: logging.LogRecord) -> None:
        if self._counter.active:
            self._counter.add(len(self.format(record).encode()) + 1)


class LogVolume:
    def __init__(self) -> None:
        self._counter = _Counter()
        self._handler = _CountingHandler(self._counter)
        self._stdout: TextIO | None = None
        self._emit: Any = None
        self._loggers: list[tuple[logging.Logger, int, bool]] = []

    def install(self) -> None:
        counted_at_source = self._count_emf_documents()
        self._stdout = sys.stdout
        sys.stdout = _QuietStdout(None if counted_at_source else self._counter)
        for name in APPLICATION_LOGGERS:
            logger = logging.getLogger(name)
            self._loggers.append((logger, logger.level, logger.propagate))
            logger.setLevel(logging.INFO)
            logger.propagate = False  # the console keeps its own level; these lines are only counted
            logger.addHandler(self._handler)

    def uninstall(self) -> None:
        if self._emit is not None:
            emf_metrics.emit = self._emit
            self._emit = None
        for logger, level, propagate in self._loggers:
            logger.removeHandler(self._handler)
            logger.setLevel(level)
            logger.propagate = propagate
        self._loggers = []
        if self._stdout is not None:
            sys.stdout = self._stdout
            self._stdout = None

    def _count_emf_documents(self) -> bool:
        """Where the product publishes them (the local cloud may keep them rather than print them)."""
        emit = getattr(emf_metrics, "emit", None)
        if emit is None:
            return False
        counter = self._counter

        def counted_emit(documents: Sequence[dict[str, Any]]) -> None:
            for document in documents:
                counter.add(len(json.dumps(document, separators=(",", ":")).encode()) + 1)
            emit(documents)

        self._emit = emit
        emf_metrics.emit = counted_emit
        return True

    @property
    def active(self) -> bool:
        return self._counter.active

    @active.setter
    def active(self, value: bool) -> None:
        self._counter.active = value

    def take(self) -> int:
        return self._counter.take()
