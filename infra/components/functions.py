"""Functions: one Lambda per described function, each with its own log group and least-privilege role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from commerce.hold_limits import HOLDS_PER_CUSTOMER, HOLDS_PER_SOURCE
from commerce.hot_stock import AUTO_SPLIT_SHARDS
from infra.components.iam import FunctionGrants, function_policy, trust
from infra.components.packaging import PLATFORM, Bundle
from infra.deployment import LAMBDA_LOGGING, Deployment, Function

MAX_FUNCTION_NAME = 64
LIVE_ALIAS = "live"  # the alias a SnapStart function is invoked through: SnapStart never applies to $LATEST


@dataclass(frozen=True)
class InvokeTarget:
    """What a caller such as API Gateway invokes: the function, or its alias when it runs with SnapStart."""

    function_name: pulumi.Input[str]
    invoke_arn: pulumi.Input[str]
    qualifier: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class RuntimeSettings:
    """What every function is told through its environment, besides names and ARNs."""

    email_from: str
    stripe_publishable_key: str
    unpaid_order_minutes: int = 30
    hold_minutes: int = 10  # how long payOrder holds an order's stock (commerce/settings.py checks 1-25)
    stripe_writes_per_second: int = 80  # the stack's budget of Stripe writes (commerce/payment_budget.py)
    holds_per_customer: int = HOLDS_PER_CUSTOMER  # live holds per customer email and per source address
    holds_per_source: int = HOLDS_PER_SOURCE  # (commerce/hold_limits.py)
    auto_split_shards: int = AUTO_SPLIT_SHARDS  # payOrder splits a contended item over this many (hot_stock.py)
    app_env: str = "production"  # GraphiQL and GraphQL over GET are off outside development


@dataclass(frozen=True)
class FunctionsArgs:
    deployment: Deployment
    bundle: Bundle
    settings: RuntimeSettings
    table_names: Mapping[str, pulumi.Input[str]]  # logical → physical, for the environment
    table_arns: Mapping[str, pulumi.Input[str]]
    bus_name: pulumi.Input[str]
    bus_arn: pulumi.Input[str]
    state_machine_arn: pulumi.Input[str]
    secret_arns: Mapping[str, pulumi.Input[str]]
    send_identity_arns: Sequence[pulumi.Input[str]]
    log_retention_days: int = 30


class Functions(pulumi.ComponentResource):
    """Physical names are `<name>-<logical>`, as the local cloud names them; logs go to `/aws/lambda/<that>`."""

    functions: dict[str, aws.lambda_.Function]
    roles: dict[str, aws.iam.Role]
    aliases: dict[str, aws.lambda_.Alias]  # of the functions with SnapStart

    def __init__(self, name: str, args: FunctionsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:Functions", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.layer = aws.lambda_.LayerVersion(
            f"{name}-dependencies",
            layer_name=f"{name}-dependencies",
            description="The Lambda runtime dependency set of pyproject.toml, built for arm64",
            code=pulumi.FileArchive(str(args.bundle.dependencies.path)),
            source_code_hash=args.bundle.dependencies.source_code_hash,
            compatible_runtimes=[PLATFORM.runtime],
            compatible_architectures=[PLATFORM.architecture],
            opts=child,
        )
        self.functions = {}
        self.roles = {}
        self.aliases = {}
        for function in args.deployment.functions:
            self.functions[function.name] = self._function(name, function, args)
            if function.snap_start:
                self.aliases[function.name] = aws.lambda_.Alias(
                    f"{name}-{function.name}-{LIVE_ALIAS}",
                    name=LIVE_ALIAS,
                    description="The latest published version, resumed from its SnapStart snapshot",
                    function_name=self.functions[function.name].name,
                    function_version=self.functions[function.name].version,
                    opts=child,
                )
        self.register_outputs({logical: function.arn for logical, function in self.functions.items()})

    @property
    def arns(self) -> dict[str, pulumi.Output[str]]:
        return {logical: function.arn for logical, function in self.functions.items()}

    @property
    def names(self) -> dict[str, pulumi.Output[str]]:
        return {logical: function.name for logical, function in self.functions.items()}

    def invoke_target(self, logical: str) -> InvokeTarget:
        function = self.functions[logical]
        alias = self.aliases.get(logical)
        if alias is None:
            return InvokeTarget(function_name=function.name, invoke_arn=function.invoke_arn)
        return InvokeTarget(function_name=function.name, invoke_arn=alias.invoke_arn, qualifier=alias.name)

    def _function(self, name: str, function: Function, args: FunctionsArgs) -> aws.lambda_.Function:
        physical = f"{name}-{function.name}"
        if len(physical) > MAX_FUNCTION_NAME:
            raise ValueError(f"function name {physical!r} is longer than Lambda's {MAX_FUNCTION_NAME} characters")
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-{function.name}",
            name=f"/aws/lambda/{physical}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-{function.name}",
            description=f"Execution role of Lambda {physical}",
            assume_role_policy=pulumi.Output.json_dumps(trust("lambda.amazonaws.com")),
            opts=child,
        )
        grants = FunctionGrants(
            tables=args.table_arns,
            bus=args.bus_arn,
            state_machine=args.state_machine_arn,
            secrets=args.secret_arns,
            log_group=log_group.arn,
            email_from=args.settings.email_from,
            send_identities=args.send_identity_arns,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-{function.name}",
            role=role.id,
            policy=pulumi.Output.json_dumps(function_policy(function, args.deployment, grants)),
            opts=child,
        )
        self.roles[function.name] = role
        return aws.lambda_.Function(
            f"{name}-{function.name}",
            name=physical,
            description=function.description[:256],
            runtime=PLATFORM.runtime,
            architectures=[PLATFORM.architecture],
            handler=function.handler,
            code=pulumi.FileArchive(str(args.bundle.code.path)),
            source_code_hash=args.bundle.code.source_code_hash,
            layers=[self.layer.arn],
            memory_size=function.memory_mb,
            timeout=function.timeout_s,
            reserved_concurrent_executions=function.reserved_concurrency,
            role=role.arn,
            environment={"variables": function_environment(function, args)},
            tracing_config={"mode": "Active"},
            # SnapStart: each `pulumi up` that changes the function publishes a version, whose init Lambda runs
            # once and snapshots; the alias moves to it.
            publish=function.snap_start,
            snap_start={"apply_on": "PublishedVersions"} if function.snap_start else None,
            logging_config={
                "log_format": LAMBDA_LOGGING["log_format"],
                "log_group": log_group.name,
                "application_log_level": LAMBDA_LOGGING["application_log_level"],
                "system_log_level": LAMBDA_LOGGING["system_log_level"],
            },
            # The role's policy and the log group exist before the first invocation can need them; a name change
            # must delete the old function first, as the name is fixed.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, log_group], delete_before_replace=True),
        )


def function_environment(function: Function, args: FunctionsArgs) -> dict[str, pulumi.Input[str]]:
    """What `commerce.settings.Settings.from_env` and `commerce.secrets.Secrets` read, and only what this function
    needs: every table name (Settings requires all), the ids of the secrets it may read, the saga only if it starts
    one."""
    settings = args.settings
    environment: dict[str, pulumi.Input[str]] = {
        "APP_ENV": settings.app_env,
        "EVENT_BUS_NAME": args.bus_name,
        "UNPAID_ORDER_MINUTES": str(settings.unpaid_order_minutes),
        "HOLD_MINUTES": str(settings.hold_minutes),
        # The rules for holds (payOrder takes them): caps per customer and address, and when a contended item splits.
        "HOLDS_PER_CUSTOMER": str(settings.holds_per_customer),
        "HOLDS_PER_SOURCE": str(settings.holds_per_source),
        "AUTO_SPLIT_SHARDS": str(settings.auto_split_shards),
        "POWERTOOLS_SERVICE_NAME": function.name,
    }
    for table in args.deployment.tables:
        environment[table.env_var] = args.table_names[table.name]
    for secret in args.deployment.secrets_of(function):
        environment[secret.env_var] = args.secret_arns[secret.name]
    if function.starts_workflows:
        environment["FULFILLMENT_STATE_MACHINE_ARN"] = args.state_machine_arn
    if function.uses_stripe:
        environment["STRIPE_PUBLISHABLE_KEY"] = settings.stripe_publishable_key
        environment["STRIPE_WRITES_PER_SECOND"] = str(settings.stripe_writes_per_second)
    if function.sends_email:
        environment["EMAIL_FROM"] = settings.email_from
    return environment
