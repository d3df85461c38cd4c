from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

DateTime = NewType("DateTime", str)

SCALARS: dict[object, ScalarDefinition] = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description="A UTC instant in ISO-8601 with a Z suffix, e.g. 2026-11-24T09:30:00.000Z.",
    ),
}
