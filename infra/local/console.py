"""`make dev`'s console: one readable line per request and per saga step, the other log lines short.

    12:01:02 POST /graphql placeOrder 200 34ms order=ord_3f…
    12:01:03 saga ord_3f… ReserveInventory ok 12ms
    12:01:03 local-payment-authorized ok 20ms order=ord_3f…

The Lambdas on AWS log the same records as JSON (commerce.adapters.log_format); only the formatting differs.
"""

from __future__ import annotations

import logging
import sys
import time

from commerce.adapters import invocation
from commerce.adapters.log_format import CorrelationFilter, RedactingFormatter, quiet_libraries

# Keys worth a glance at the end of an ordinary line; the rest stay in the record.
_SHOWN_KEYS = (("order_id", "order"), ("stripe_event_id", "stripe_event"))


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        if record.name == invocation.__name__ and hasattr(record, "outcome"):
            return f"{clock} {_invocation_line(record)}"
        line = f"{clock} {record.levelname:<5} {record.name}: {record.getMessage()}{_keys(record)}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _invocation_line(record: logging.LogRecord) -> str:
    fields = record.__dict__
    took = f"{fields['duration_ms']:.0f}ms"
    outcome = fields["outcome"]
    if "http_method" in fields:
        parts = [fields["http_method"], fields.get("http_path", ""), fields.get("graphql_operation", "")]
        status = fields.get("http_status", outcome if outcome != "ok" else "")
        return " ".join(str(part) for part in [*parts, status, took] if part != "") + _keys(record)
    if "step" in fields:
        return f"saga {fields.get('order_id', '?')} {fields['step']} {outcome} {took}"
    return f"{fields.get('service', '?')} {outcome} {took}{_keys(record)}"


def _keys(record: logging.LogRecord) -> str:
    shown = [f"{label}={record.__dict__[key]}" for key, label in _SHOWN_KEYS if record.__dict__.get(key)]
    return " " + " ".join(shown) if shown else ""


def use_console(level: int = logging.INFO) -> None:
    """The root logger prints through the console formatter, with correlation keys and secrets redacted."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(RedactingFormatter(ConsoleFormatter()))
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    quiet_libraries()
