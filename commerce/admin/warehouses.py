"""Warehouses as admins add them: a fresh stack has none, and a new one ships (nearest first) from its creation on.

Warehouses are never edited or removed here: stock, reservations and shipments name them by id.
"""

from __future__ import annotations

import math
import re

from commerce.admin.rejection import RequestRejectedError
from commerce.catalog import Location, Warehouse
from commerce.commands import CreateWarehouse
from commerce.errors import DomainError
from commerce.ports import WarehouseRepository
from commerce.validation import IssueCode, ValidationIssue

MAX_NAME_LENGTH = 100
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class DuplicateWarehouseError(DomainError):
    def __init__(self, warehouse_id: str) -> None:
        super().__init__(f"warehouse {warehouse_id} already exists")
        self.warehouse_id = warehouse_id


def check_new_warehouse(command: CreateWarehouse) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    if not _ID.match(command.id):
        issues.append(ValidationIssue("id", IssueCode.INVALID, "must be 2 to 64 lower-case letters, digits or '-'"))
    if not command.name.strip():
        issues.append(ValidationIssue("name", IssueCode.REQUIRED, "is required"))
    elif len(command.name.strip()) > MAX_NAME_LENGTH:
        issues.append(ValidationIssue("name", IssueCode.INVALID, f"is longer than {MAX_NAME_LENGTH}"))
    if not _REGION.match(command.region):
        issues.append(ValidationIssue("region", IssueCode.INVALID, "must be 1 to 64 lower-case letters, digits or '-'"))
    for field, value, limit in (("latitude", command.latitude, 90), ("longitude", command.longitude, 180)):
        if not (math.isfinite(value) and -limit <= value <= limit):
            issues.append(ValidationIssue(field, IssueCode.INVALID, f"must be between -{limit} and {limit} degrees"))
    return issues


class WarehouseAdmin:
    def __init__(self, warehouses: WarehouseRepository) -> None:
        self.warehouses = warehouses

    def create(self, command: CreateWarehouse) -> Warehouse:
        """Raises RequestRejectedError, and DuplicateWarehouseError when the id is taken (nothing written)."""
        issues = check_new_warehouse(command)
        if issues:
            raise RequestRejectedError(issues)
        warehouse = Warehouse(
            id=command.id,
            name=command.name.strip(),
            location=Location(command.latitude, command.longitude),
            region=command.region,
        )
        self.warehouses.create(warehouse)
        return warehouse

    def list(self) -> list[Warehouse]:
        return sorted(self.warehouses.all(), key=lambda warehouse: warehouse.id)
