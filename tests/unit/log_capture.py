"""Capturing log records as the Lambdas' and the local console's handlers see them: with correlation keys added."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from commerce.adapters.log_format import CorrelationFilter


class CapturedLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(CorrelationFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, message: str) -> list[logging.LogRecord]:
        return [record for record in self.records if record.getMessage() == message]


@contextmanager
def captured_logs(*quiet: str) -> Iterator[CapturedLogs]:
    """Records of INFO and above on the root logger; `quiet` loggers raised to WARNING (restored afterwards)."""
    handler, root = CapturedLogs(), logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *quiet)}
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
