"""Per-day analytics counters in DynamoDB: each counter a top-level number (ADD needs that), a day spread over shards.

Every committed order change adds to its day (about six per order), so one item per day would be the hottest item
of the shop: a single partition key serves at most 1,000 write units a second ("Best practices for designing and
using partition keys effectively", docs.aws.amazon.com/amazondynamodb/latest/developerguide/
bp-partition-key-design.html), which caps the shop near 166 orders a second. Each add goes to one of `shards`
items of the day chosen at random, and reading a day sums its shards: the same counters, the cap `shards` times
higher, for `shards` times the (eventually consistent, 0.5 unit) item reads of a report.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from commerce.admin.analytics import AnalyticsRepository
from commerce.repositories.dynamo import DynamoTable, to_wire

DEFAULT_SHARDS = 10


def shard_key(day: str, shard: int) -> str:
    """Shard 0 is the day itself: the items written before the day was sharded keep counting."""
    return day if shard == 0 else f"{day}#{shard}"


class DynamoAnalyticsRepository(AnalyticsRepository):
    def __init__(
        self,
        table: DynamoTable,
        *,
        shards: int = DEFAULT_SHARDS,
        pick_shard: Callable[[int], int] = random.randrange,
    ) -> None:
        self.table = table
        self.shards = shards
        self.pick_shard = pick_shard

    def add(self, day: str, counters: Mapping[str, int]) -> None:
        if not counters:
            return
        names = {f"#c{index}": name for index, name in enumerate(counters)}
        values = {f":v{index}": value for index, value in enumerate(counters.values())}
        # ADD is atomic on the server: concurrent changes of many orders on one day all count, without a read.
        self.table.client.update_item(
            TableName=self.table.name,
            Key=to_wire({"day": shard_key(day, self.pick_shard(self.shards))}),
            UpdateExpression="ADD " + ", ".join(f"#c{index} :v{index}" for index in range(len(counters))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_wire(values),
        )

    def days(self, days: Sequence[str]) -> list[dict[str, int]]:
        keys = [{"day": shard_key(day, shard)} for day in days for shard in range(self.shards)]
        totals: dict[str, Counter[str]] = {}
        for item in self.table.batch_get(keys):
            day = str(item["day"]).split("#", 1)[0]
            totals.setdefault(day, Counter()).update(
                {name: int(value) for name, value in item.items() if name != "day"}
            )
        return [dict(totals[day]) for day in days if day in totals]
