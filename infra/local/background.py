"""What AWS does behind the caller's back (async Lambda invokes, EventBridge deliveries), run on a thread pool.

Both AWS paths retry a failed attempt a few times with growing delays and then give up, so this does too,
with delays short enough for tests. Everything in flight is counted, so tests can wait until nothing is.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """Work that still failed after its last retry."""

    target: str
    attempts: int
    error: BaseException

    @property
    def error_type(self) -> str:
        return type(self.error).__name__


class BackgroundWork:
    def __init__(self, *, max_workers: int = 16, retries: int = 2, backoff_s: float = 0.2, history: int = 1000) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="local-cloud")
        self._retries = retries
        self._backoff_s = backoff_s
        self._changed = threading.Condition()
        self._in_flight = 0
        self._failures: deque[Failure] = deque(maxlen=history)

    def submit(self, target: str, work: Callable[[], object]) -> None:
        """Run `work` soon on a worker thread; an exception it raises means "this attempt failed"."""
        self._begin()
        try:
            self._pool.submit(self._run_with_retries, target, work)
        except RuntimeError:
            self._end()
            raise

    @contextmanager
    def tracking(self) -> Iterator[None]:
        """Count work that runs on the caller's thread, so `wait_idle` waits for it too."""
        self._begin()
        try:
            yield
        finally:
            self._end()

    def wait_idle(self, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._in_flight == 0, timeout):
                raise TimeoutError(f"{self._in_flight} background task(s) still running after {timeout} s")

    @property
    def failures(self) -> list[Failure]:
        with self._changed:
            return list(self._failures)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run_with_retries(self, target: str, work: Callable[[], object]) -> None:
        try:
            attempts = self._retries + 1
            for attempt in range(1, attempts + 1):
                try:
                    work()
                except Exception as exc:
                    if attempt == attempts:
                        logger.error("%s failed after %d attempt(s)", target, attempt, exc_info=exc)
                        with self._changed:
                            self._failures.append(Failure(target=target, attempts=attempt, error=exc))
                        return
                    logger.warning("%s failed (attempt %d of %d), retrying", target, attempt, attempts, exc_info=exc)
                    time.sleep(self._backoff_s * 2 ** (attempt - 1))
                else:
                    return
        finally:
            self._end()

    def _begin(self) -> None:
        with self._changed:
            self._in_flight += 1

    def _end(self) -> None:
        with self._changed:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._changed.notify_all()
