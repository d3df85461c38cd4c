"""Start the whole local cloud in this process: moto with the described tables, seeded, and the services."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

import boto3

from commerce.bootstrap import Services, bootstrap
from commerce.settings import Settings
from infra.deployment import DEPLOYMENT, Deployment
from infra.local.aws import MotoCloud, start_moto
from infra.local.ports import free_port
from infra.local.seed import seed
from infra.local.tables import create_tables, table_environment

logger = logging.getLogger(__name__)

# Local-only values, obviously not secrets: every deployed stack gets its own from Secrets Manager.
LOCAL_ENVIRONMENT = {
    "APP_ENV": "development",
    "ORDER_TOKEN_KEY": "local-order-token-key-not-a-secret",
}


@dataclass
class LocalCloud:
    aws: MotoCloud
    prefix: str
    deployment: Deployment
    environment: dict[str, str] = field(default_factory=dict)
    _services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = bootstrap(Settings.from_env())
        return self._services

    def stop(self) -> None:
        self.aws.stop()


def start_local_cloud(
    *,
    aws_port: int | None = None,
    prefix: str = "local",
    deployment: Deployment = DEPLOYMENT,
    with_seed: bool = True,
    app_env: str = "development",
) -> LocalCloud:
    """Everything runs in this process, so the environment it sets is the one every handler reads."""
    aws = start_moto(aws_port or free_port())
    environment = {**LOCAL_ENVIRONMENT, "APP_ENV": app_env, **table_environment(deployment, prefix)}
    os.environ.update(environment)
    create_tables(boto3.client("dynamodb"), deployment, prefix)
    cloud = LocalCloud(aws=aws, prefix=prefix, deployment=deployment, environment=environment)
    if with_seed:
        seed(cloud.services.repositories)
    logger.info("local cloud ready: AWS at %s, tables prefixed %r", aws.endpoint_url, prefix)
    return cloud
