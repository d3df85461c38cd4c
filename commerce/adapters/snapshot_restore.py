"""SnapStart: what an execution environment must redo after it is resumed from the snapshot of another's init.

Lambda's Python runtime (3.12 and later) offers `snapshot_restore_py.register_after_restore`; the module exists only
there, so elsewhere (tests, the local cloud, a function without SnapStart) registering does nothing.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

logger = logging.getLogger(__name__)


def reseed_random() -> None:
    """`random`'s module generator was seeded once, when the snapshotted init imported it: without this, every
    resumed environment would draw the same sequence (the reservations' retry jitter would stop spreading retries).
    `random.seed()` with no argument reseeds from the operating system's entropy."""
    random.seed()


def after_restore(*hooks: Callable[[], None]) -> bool:
    """Registers `hooks` to run after each restore; False where the runtime has no such hook."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    for hook in hooks:
        register_after_restore(hook)
    return True
