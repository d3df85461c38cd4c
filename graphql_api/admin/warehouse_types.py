from __future__ import annotations

import strawberry

from commerce import catalog
from commerce.commands import CreateWarehouse
from graphql_api.errors import UserError


@strawberry.type(description="Where stock is kept and shipped from; orders ship from the nearest that has it all.")
class Warehouse:
    id: strawberry.ID
    name: str
    region: str
    latitude: float
    longitude: float

    @classmethod
    def of(cls, warehouse: catalog.Warehouse) -> Warehouse:
        return cls(
            id=strawberry.ID(warehouse.id),
            name=warehouse.name,
            region=warehouse.region,
            latitude=warehouse.location.latitude,
            longitude=warehouse.location.longitude,
        )


@strawberry.input
class CreateWarehouseInput:
    id: strawberry.ID = strawberry.field(
        description="2 to 64 lower-case letters, digits or '-', e.g. wh-seattle. Stock and shipments name it: it "
        "cannot change later."
    )
    name: str
    region: str = strawberry.field(description="1 to 64 lower-case letters, digits or '-', e.g. us-west.")
    latitude: float = strawberry.field(description="Decimal degrees, -90 to 90: distances to shoppers come from it.")
    longitude: float = strawberry.field(description="Decimal degrees, -180 to 180.")

    def command(self) -> CreateWarehouse:
        return CreateWarehouse(
            id=str(self.id), name=self.name, latitude=self.latitude, longitude=self.longitude, region=self.region
        )


@strawberry.type
class CreateWarehousePayload:
    warehouse: Warehouse | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
