"""The real services on tables of their own, for proofs that drive them step by step or abuse them.

Same moto DynamoDB, same localstripe, same secrets as the session's local cloud, but a fresh table prefix: a
scenario that scans a status index (expiry, re-drive), counts every item, or lets a fuzzer create products sees
only its own data and leaves nobody else's. The bus and Step Functions are recorded instead of reached: a
scenario decides when an event is delivered and which saga step runs next, so each step is synchronous.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3

from commerce import wiring_services
from commerce.admin.cancellation import OrderCancellation
from commerce.admin.stock_adjustments import StockAdjustments
from commerce.bootstrap import Bus, Repositories, bootstrap, dynamodb_repositories
from commerce.events import RecordingPublisher
from commerce.services.authorizations import PaymentAuthorizations
from commerce.services.compensation import CompensationService
from commerce.services.expiry import ExpiryService
from commerce.services.fulfillment import FulfillmentSteps
from commerce.services.inventory import InventoryService
from commerce.services.ordering import OrderPlacement
from commerce.services.payments import PaymentService
from commerce.services.recovery import RecoveryService
from commerce.settings import Settings, TableNames
from commerce.webhooks import WebhookIntake
from commerce.workflows import RecordingSagaStarter, SagaStarter
from infra.local.cloud import LocalCloud
from infra.local.seed import seed
from infra.local.tables import create_tables, table_environment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ProofClock:
    """The real time plus whatever a scenario skipped ahead (to reach the expiry and re-drive cut-offs)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, by: timedelta) -> None:
        with self._lock:
            self._offset += by


@dataclass(frozen=True)
class Parts:
    """The services a proof drives step by step, as the real bootstrap built them."""

    repositories: Repositories
    settings: Settings
    placement: OrderPlacement
    payments: PaymentService
    inventory: InventoryService
    stock: StockAdjustments
    cancellation: OrderCancellation
    expiry: ExpiryService
    recovery: RecoveryService
    fulfillment: FulfillmentSteps
    compensation: CompensationService
    authorizations: PaymentAuthorizations
    webhooks: WebhookIntake

    @classmethod
    def of(cls, bus: Bus, repositories: Repositories, settings: Settings) -> Parts:
        made, w = bus.dependencies, wiring_services
        return cls(
            repositories=repositories,
            settings=settings,
            placement=made.build(w.placement),
            payments=made.build(w.payments),
            inventory=made.build(w.inventory_service),
            stock=made.build(w.stock_adjustments),
            cancellation=made.build(w.cancellation),
            expiry=made.build(w.expiry),
            recovery=made.build(w.recovery),
            fulfillment=made.build(w.fulfillment),
            compensation=made.build(w.compensation),
            authorizations=made.build(w.authorizations),
            webhooks=made.build(w.webhooks),
        )


@dataclass
class IsolatedServices:
    bus: Bus
    parts: Parts
    publisher: RecordingPublisher
    sagas: SagaStarter
    clock: ProofClock
    prefix: str


def isolated_services(
    cloud: LocalCloud,
    *,
    environment: str = "test",
    seeded: bool = False,
    sagas: SagaStarter | None = None,
    settings_changes: Mapping[str, Any] | None = None,
    dynamodb: DynamoDBClient | None = None,
) -> IsolatedServices:
    """`environment` "production" gives the production API configuration (errors masked, no GraphiQL);
    `settings_changes` sets what the local cloud's environment sets otherwise (e.g. the hold caps); `dynamodb` is
    the client the repositories use (e.g. one that meets AWS's transaction conflicts)."""
    prefix = f"proof-{secrets.token_hex(3)}"
    client = dynamodb or boto3.client("dynamodb")
    create_tables(client, cloud.deployment, prefix)
    settings = replace(
        Settings.from_env(),
        tables=TableNames.from_env(table_environment(cloud.deployment, prefix)),
        environment=environment,
        **(settings_changes or {}),
    )
    publisher, starter, clock = RecordingPublisher(), sagas or RecordingSagaStarter(), ProofClock()
    repositories = dynamodb_repositories(client, settings, clock)
    bus = bootstrap(
        clock=clock, settings=settings, repositories=repositories, publisher=publisher, saga_starter=starter
    )
    if seeded:
        seed(repositories)
    return IsolatedServices(bus, Parts.of(bus, repositories, settings), publisher, starter, clock, prefix)
