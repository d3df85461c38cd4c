"""Stock that splits itself when a rush finds it unsplit (issue 20: "an admin, or a configured threshold, splits").

An admin splits a product's stock before a planned sale (`splitStock`). An unplanned rush shows itself to DynamoDB
first: a hold's transaction cancelled for TransactionConflict (another transaction was writing the same item) or
throttling (the item's partition past its ~1,000 writes a second) through all its retries, about 1.5 s of jittered
backoff (commerce/repositories/reservations.py): the item is taking more writes than one partition can. The
payOrder that meets it (StockContendedError names the item) splits the item over AUTO_SPLIT_SHARDS shards, the same
conserving transaction as the admin's, by AUTO_SPLIT_BY, and takes its hold again from the shards. A failed split
only ends the attempt to split: the hold then fails as it did before (ConcurrentUpdateError: try again).

A stock conflict (the item no longer has the units read: StockConflictError) is not this signal: it means the stock
is running out, which shards do not help. Only payOrder's new holds split (the API function holds the grants for
it); a saga step re-taking a lapsed hold meets no rush. The shards stay until an admin merges them (`mergeStock`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from commerce.commands import SplitStock
from commerce.errors import DomainError

logger = logging.getLogger(__name__)

AUTO_SPLIT_SHARDS = 12  # as the admin's default: ~3,000 holds a second on AWS (bench/flash_sale.py); 0: off
AUTO_SPLIT_BY = "automatic: contention"


@dataclass(frozen=True, slots=True)
class AutoSplit:
    shards: int  # 0: a contended item is never split automatically
    split: Callable[[SplitStock], object]

    def split_contended(self, product_id: str, warehouse_id: str) -> bool:
        """Split the level over `shards`; whether it is now split as asked (False when off or the split failed)."""
        if not self.shards:
            return False
        try:
            self.split(SplitStock(product_id, warehouse_id, AUTO_SPLIT_BY, shards=self.shards))
        except DomainError as exc:  # split meanwhile over another count, merged, holds kept changing it: not ours
            logger.warning("automatic split of %s in %s not made: %s", product_id, warehouse_id, exc)
            return False
        logger.warning("%s in %s was contended: split over %d shards", product_id, warehouse_id, self.shards)
        return True
