"""Start the whole local system in this process: moto (DynamoDB, Step Functions, EventBridge, SES), localstripe,
the local Lambda runtime and rule delivery, all created from the one deployment description, and the HTTP server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import boto3

from commerce import wiring
from commerce.bootstrap import Bus, Repositories, bootstrap, dynamodb_repositories
from commerce.clock import Clock, system_clock
from commerce.settings import Settings
from infra.deployment import DEPLOYMENT, Deployment
from infra.local import event_delivery, iam_enforcement, lambda_runtime
from infra.local.aws import REGION, MotoCloud, start_moto
from infra.local.event_bus import create_bus_and_rules
from infra.local.functions import function_arns, local_functions, physical_name
from infra.local.http import HttpServer
from infra.local.iam_enforcement import IamEnforcer
from infra.local.iam_requests import RequestMapper
from infra.local.lambda_runtime import MOTO_ACCOUNT_ID, LocalLambdaRuntime
from infra.local.mailbox import verify_sender
from infra.local.moto_throttling import PartitionThrottle, partitions_throttled
from infra.local.observability import LocalObservability, start_observability
from infra.local.persistence import restore_tables, take_snapshot
from infra.local.ports import free_port
from infra.local.roles import local_policies, saga_principal
from infra.local.saga_task_clients import reuse_task_clients
from infra.local.scheduler import LocalScheduler
from infra.local.secrets import LOCAL_VALUES, create_secrets
from infra.local.seed import seed
from infra.local.state_dir import Snapshot, StateDir
from infra.local.stripe_server import PUBLISHABLE_KEY, LocalStripe, start_localstripe
from infra.local.tables import create_tables, table_environment
from sagas.fulfillment import STATE_MACHINE, WORKFLOW_TYPE, render

logger = logging.getLogger(__name__)

LOCAL_ENVIRONMENT = {
    "APP_ENV": "development",
    "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
    "EMAIL_FROM": "orders@shop.example",
    # Every local caller is 127.0.0.1 (one machine, the tests' crowds included): a cap per source address would
    # count them all as one, so it is off (0). On AWS the address is the viewer's (graphql_api/context.py).
    "HOLDS_PER_SOURCE": "0",
}
SAGA_ROLE_ARN = f"arn:aws:iam::{MOTO_ACCOUNT_ID}:role/local-fulfillment-saga"


@dataclass
class LocalCloud:
    aws: MotoCloud
    stripe: LocalStripe
    runtime: LocalLambdaRuntime
    delivery: event_delivery.EventDelivery
    prefix: str
    deployment: Deployment
    state_machine_arn: str
    environment: dict[str, str] = field(default_factory=dict)
    http: HttpServer | None = None
    scheduler: LocalScheduler = field(default_factory=LocalScheduler)
    state: StateDir | None = None  # where stop() saves the tables and Stripe's store, for the next start
    observability: LocalObservability | None = None  # the traces and metrics kept to read back
    iam: IamEnforcer | None = None  # each role's policy, enforced on every AWS call made as that role

    @cached_property
    def bus(self) -> Bus:
        """Every handler, wired as the functions are: for the local server's API and for tests."""
        return bootstrap()

    @cached_property
    def settings(self) -> Settings:
        return self.bus.dependencies.build(wiring.settings)

    @cached_property
    def repositories(self) -> Repositories:
        """The DynamoDB repositories, for seeding and for tests that read or set what the system stored."""
        return dynamodb_repositories(self.bus.dependencies.build(wiring.dynamodb), self.settings)

    def function_name(self, logical: str) -> str:
        return physical_name(self.prefix, self.deployment.function(logical))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Until no event is being delivered and no asynchronous invocation runs (executions are not included)."""
        self.delivery.wait_idle(timeout)
        self.runtime.wait_idle(timeout)

    def run_schedules(self, every: float | None = None) -> None:
        """Fire each described schedule at its rate, or every `every` seconds (tests)."""
        for schedule in self.deployment.schedules:
            function = self.function_name(schedule.target_function)
            self.scheduler.every(schedule, lambda name=function: self.runtime.invoke_async(name, {}), every)

    @contextmanager
    def partitions_throttled(
        self, write_units_per_second: int, clock: Clock = system_clock, tables: Collection[str] = ()
    ) -> Iterator[PartitionThrottle]:
        """DynamoDB's per-partition write limit, scaled down, meanwhile: a transaction that would take a partition
        past `write_units_per_second` is cancelled with ThrottlingError, as AWS does (infra/local/moto_throttling.py).
        Every table's partitions, or those of the `tables` named (logical names: "inventory"). The throttle counts
        what it refused."""
        physical = [self.environment[self.deployment.table(name).env_var] for name in tables]
        with partitions_throttled(write_units_per_second, clock, physical) as throttle:
            yield throttle

    def snapshot(self) -> Snapshot | None:
        """Save the state now (what a restart on the same state folder starts from); None without a folder."""
        if self.state is None:
            return None
        return take_snapshot(self.state, self.deployment, self.prefix, self.stripe)

    def stop(self) -> None:
        self.scheduler.stop()
        if self.http is not None:
            self.http.stop()  # lets requests in flight finish: a payment confirmed at Stripe is also recorded
        try:
            self.snapshot()  # while sagas may still run: the snapshot is one instant of them
        finally:
            self.runtime.faults.release()  # a saga step held for a test would keep the runtime's close() waiting
            event_delivery.uninstall()
            lambda_runtime.uninstall()
            if self.iam is not None:
                iam_enforcement.uninstall()
            self.runtime.close()
            self.stripe.stop()
            self.aws.stop()
            if self.observability is not None:
                self.observability.stop()
            if self.state is not None:
                self.state.release()


def start_local_cloud(
    *,
    aws_port: int | None = None,
    stripe_port: int | None = None,
    http_port: int | None = None,
    host: str = "127.0.0.1",
    prefix: str = "local",
    deployment: Deployment = DEPLOYMENT,
    with_seed: bool = True,
    app_env: str = "development",
    state: StateDir | None = None,
    enforce_iam: bool = True,
) -> LocalCloud:
    """Everything runs in this process, so the environment it sets is the one every handler reads.

    With a `state` folder that holds a snapshot, the tables and Stripe's store start from it instead of the seed.
    Every AWS call a function, the API, the webhook or the saga makes is checked against its role's policy unless
    `enforce_iam` is off (infra/local/iam_enforcement.py).
    """
    snapshot = state.acquire().latest() if state is not None else None
    http_port = http_port or free_port()
    aws = start_moto(aws_port or free_port())
    stripe = start_localstripe(stripe_port or free_port(), restore=str(snapshot.stripe_file) if snapshot else None)
    arns = function_arns(deployment, prefix)
    sfn = boto3.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=f"{prefix}-{STATE_MACHINE}",
        definition=render(arns, deployment.bus_name),
        roleArn=SAGA_ROLE_ARN,
        type=WORKFLOW_TYPE,
    )
    environment = {
        **LOCAL_ENVIRONMENT,
        "APP_ENV": app_env,
        "STRIPE_API_BASE": stripe.api_base,
        "STRIPE_JS_URL": stripe.js_url,
        "EVENT_BUS_NAME": deployment.bus_name,
        "FULFILLMENT_STATE_MACHINE_ARN": machine["stateMachineArn"],
        **table_environment(deployment, prefix),
    }
    # Secrets live in (moto's) Secrets Manager exactly as on AWS; the code reads them by the ids in the environment.
    environment |= create_secrets(boto3.client("secretsmanager"), deployment, prefix)
    os.environ.update(environment)
    create_tables(boto3.client("dynamodb"), deployment, prefix)
    create_bus_and_rules(boto3.client("events"), deployment, {STATE_MACHINE: machine["stateMachineArn"]}, arns)
    verify_sender(boto3.client("ses"), environment["EMAIL_FROM"])
    iam = _enforce_iam(deployment, prefix, machine["stateMachineArn"], environment) if enforce_iam else None
    runtime = lambda_runtime.install(local_functions(deployment, prefix))
    reuse_task_clients()
    delivery = event_delivery.install(runtime, sfn)
    observability = start_observability(runtime)
    webhook_secret = LOCAL_VALUES["stripe"]["webhook_secret"]
    stripe.register_webhook("local", f"http://{host}:{http_port}/webhooks/stripe", webhook_secret)
    cloud = LocalCloud(
        aws=aws,
        stripe=stripe,
        runtime=runtime,
        delivery=delivery,
        prefix=prefix,
        deployment=deployment,
        state_machine_arn=machine["stateMachineArn"],
        environment=environment,
        state=state,
        observability=observability,
        iam=iam,
    )
    if snapshot is not None:
        restore_tables(boto3.client("dynamodb"), deployment, prefix, snapshot)
    elif with_seed:
        seed(cloud.repositories)
    from infra.local.server import local_app  # the ASGI app imports the API; it needs the environment above

    cloud.http = HttpServer(local_app(cloud), host, http_port).start()
    logger.info("local cloud ready: API %s, AWS %s, Stripe %s", cloud.http.base_url, aws.endpoint_url, stripe.api_base)
    return cloud


def _enforce_iam(
    deployment: Deployment, prefix: str, state_machine_arn: str, environment: dict[str, str]
) -> IamEnforcer:
    secret_arns = {secret.name: environment[secret.env_var] for secret in deployment.secrets}
    by_name = {f"{prefix}/{name}": arn for name, arn in secret_arns.items()}
    policies = local_policies(
        deployment,
        prefix,
        state_machine_arn=state_machine_arn,
        secret_arns=secret_arns,
        email_from=environment["EMAIL_FROM"],
    )
    mapper = RequestMapper(
        region=REGION,
        account=MOTO_ACCOUNT_ID,
        # An unknown name maps to an ARN no policy grants: refused, as AWS refuses what a role may not read.
        secret_arn=lambda secret_id: by_name.get(secret_id, secret_id),
        ses_identities=(environment["EMAIL_FROM"],),
    )
    return iam_enforcement.install(IamEnforcer(policies, mapper, {SAGA_ROLE_ARN: saga_principal(prefix)}))
