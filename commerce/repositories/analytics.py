"""Per-day analytics counters in DynamoDB: one item per day, each counter a top-level number (ADD needs that)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from commerce.admin.analytics import AnalyticsRepository
from commerce.repositories.dynamo import DynamoTable, to_wire


class DynamoAnalyticsRepository(AnalyticsRepository):
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def add(self, day: str, counters: Mapping[str, int]) -> None:
        if not counters:
            return
        names = {f"#c{index}": name for index, name in enumerate(counters)}
        values = {f":v{index}": value for index, value in enumerate(counters.values())}
        # ADD is atomic on the server: concurrent changes of many orders on one day all count, without a read.
        self.table.client.update_item(
            TableName=self.table.name,
            Key=to_wire({"day": day}),
            UpdateExpression="ADD " + ", ".join(f"#c{index} :v{index}" for index in range(len(counters))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_wire(values),
        )

    def days(self, days: Sequence[str]) -> list[dict[str, int]]:
        found = self.table.batch_get([{"day": day} for day in days])
        return [{name: int(value) for name, value in item.items() if name != "day"} for item in found]
