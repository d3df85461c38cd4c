from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commerce.events import SOURCE, DomainEvent, EventPublisher, EventPublishError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

# PutEvents takes at most 10 entries per call.
_BATCH = 10


class EventBridgePublisher(EventPublisher):
    def __init__(self, client: EventBridgeClient, bus_name: str) -> None:
        self.client = client
        self.bus_name = bus_name

    def publish(self, events: Sequence[DomainEvent]) -> None:
        for start in range(0, len(events), _BATCH):
            batch = events[start : start + _BATCH]
            response = self.client.put_events(
                Entries=[
                    {
                        "EventBusName": self.bus_name,
                        "Source": SOURCE,
                        "DetailType": event.detail_type,
                        "Detail": json.dumps(event.detail()),
                        "Resources": [],
                    }
                    for event in batch
                ]
            )
            # PutEvents answers 200 even when some entries were refused: each refused entry carries an ErrorCode.
            if response.get("FailedEntryCount", 0):
                failed = [
                    f"{event.detail_type} {event.order_id}: {entry.get('ErrorCode')} {entry.get('ErrorMessage')}"
                    for event, entry in zip(batch, response["Entries"], strict=True)
                    if entry.get("ErrorCode")
                ]
                raise EventPublishError(failed)
