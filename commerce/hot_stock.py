"""Stock that splits itself when a rush finds it unsplit (issue 20: "an admin, or a configured threshold, splits").

An admin splits a product's stock before a planned sale (`splitStock`). An unplanned one shows itself first as
conflicts: a payOrder that read the item and then lost it to another hold between its read and its conditional
write (StockConflictError). One conflict is ordinary; `after_conflicts` of them within one payOrder on one unsplit
item mean several holders are writing that item at once, the shape that meets DynamoDB's per-partition limit (about
250 holds a second on one item: docs/performance.md). The payOrder that sees it splits the item over `shards`
(the same conserving transaction as the admin's, by AUTO_SPLIT_BY) and carries on against the shards. The split
is idempotent (a level already split is left as it is), and its errors only end the attempt to split: the shopper's
hold never fails because of it.

Only payOrder's new holds split (the API function, which holds the grants for it): a saga step re-taking a lapsed
hold meets no rush. The shards stay until an admin merges them when the rush is over (`mergeStock`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from commerce.commands import SplitStock
from commerce.errors import DomainError

logger = logging.getLogger(__name__)

AUTO_SPLIT_AFTER_CONFLICTS = 3  # within one payOrder, on one item: 0 turns splitting on conflicts off
# A hold makes HOLD_ATTEMPTS attempts before it answers OUT_OF_STOCK: the split must leave it one more.
HOLD_ATTEMPTS = 5
MAX_AFTER_CONFLICTS = HOLD_ATTEMPTS - 1
AUTO_SPLIT_SHARDS = 12  # as the admin's default: ~3,000 holds a second on AWS (bench/flash_sale.py)
AUTO_SPLIT_BY = "automatic: contention"


@dataclass(frozen=True, slots=True)
class AutoSplit:
    after_conflicts: int
    shards: int
    split: Callable[[SplitStock], object]

    def due(self, conflicts: int, shards: int) -> bool:
        """Whether `conflicts` within one hold on an item split over `shards` (0: unsplit) call for a split now."""
        return bool(self.after_conflicts) and conflicts == self.after_conflicts and not shards

    def split_contended(self, product_id: str, warehouse_id: str) -> bool:
        """Split the level; whether it is now split as asked (False when the split failed)."""
        try:
            self.split(SplitStock(product_id, warehouse_id, AUTO_SPLIT_BY, shards=self.shards))
        except DomainError as exc:  # split meanwhile over another count, merged, holds kept changing it: not ours
            logger.warning("automatic split of %s in %s not made: %s", product_id, warehouse_id, exc)
            return False
        logger.warning("%s in %s was contended: split over %d shards", product_id, warehouse_id, self.shards)
        return True
