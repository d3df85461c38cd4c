"""The real services on tables of their own, for proofs that drive them step by step or abuse them.

Same moto DynamoDB, same localstripe, same secrets as the session's local cloud, but a fresh table prefix: a
scenario that scans a status index (expiry, re-drive), counts every item, or lets a fuzzer create products sees
only its own data and leaves nobody else's. The bus and Step Functions are recorded instead of reached: a
scenario decides when an event is delivered and which saga step runs next, so each step is synchronous.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import boto3

from commerce.bootstrap import Services, aws_adapters, dynamodb_repositories
from commerce.events import RecordingPublisher
from commerce.settings import Settings, TableNames
from commerce.workflows import RecordingSagaStarter, SagaStarter
from infra.local.cloud import LocalCloud
from infra.local.seed import seed
from infra.local.tables import create_tables, table_environment


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


@dataclass
class IsolatedServices:
    services: Services
    publisher: RecordingPublisher
    sagas: SagaStarter
    clock: ProofClock
    prefix: str


def isolated_services(
    cloud: LocalCloud, *, environment: str = "test", seeded: bool = False, sagas: SagaStarter | None = None
) -> IsolatedServices:
    """`environment` "production" gives the production API configuration (errors masked, no GraphiQL)."""
    prefix = f"proof-{secrets.token_hex(3)}"
    client = boto3.client("dynamodb")
    create_tables(client, cloud.deployment, prefix)
    settings = replace(
        Settings.from_env(),
        tables=TableNames.from_env(table_environment(cloud.deployment, prefix)),
        environment=environment,
    )
    publisher, starter, clock = RecordingPublisher(), sagas or RecordingSagaStarter(), ProofClock()
    adapters = replace(aws_adapters(settings), publisher=lambda: publisher, saga_starter=lambda: starter)
    services = Services(settings, dynamodb_repositories(client, settings, clock), adapters, clock)
    if seeded:
        seed(services.repositories)
    return IsolatedServices(services, publisher, starter, clock, prefix)
