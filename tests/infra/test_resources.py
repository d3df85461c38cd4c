"""Every table, index, function, rule, target, queue, route and alarm of the description exists, set as described."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from commerce.secrets import ADMIN_USERS, APP_KEYS, EDGE, STRIPE
from infra.components.monitoring import DYNAMODB_OPERATIONS
from infra.deployment import DEPLOYMENT, Function, Rule, Table
from tests.infra.conftest import SPA_FILES, STACK_CONFIG
from tests.infra.program import ACCOUNT, REGION, Program, Resource

APP = "fulfillment-test"
TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
PERMISSION = "aws:lambda/permission:Permission"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
OUR_COMPONENTS = {
    "fulfillment:index:DataTables",
    "fulfillment:index:Secrets",
    "fulfillment:index:MailSender",
    "fulfillment:index:Functions",
    "fulfillment:index:FulfillmentWorkflow",
    "fulfillment:index:OrderEvents",
    "fulfillment:index:HttpApi",
    "fulfillment:index:WebApp",
    "fulfillment:index:Monitoring",
}


def function_resource(program: Program, function: Function) -> Resource:
    return program.one(FUNCTION, f"{APP}-{function.name}")


# --- Structure -----------------------------------------------------------------------------------------------------


def test_every_component_of_the_issue_is_built_once_under_the_stack(program: Program) -> None:
    components = [resource for resource in program.resources if resource.type.startswith("fulfillment:index:")]
    assert sorted(c.type for c in components) == sorted(OUR_COMPONENTS)
    assert all(c.parent_type == "pulumi:pulumi:Stack" and c.name == APP for c in components), components


def test_every_cloud_resource_is_a_child_of_a_component_and_named_after_it(program: Program) -> None:
    orphans = [str(r) for r in program.resources if r.type.startswith("aws:") and r.parent_type not in OUR_COMPONENTS]
    assert not orphans, f"created outside a component (parent=self missing): {orphans}"
    misnamed = [str(r) for r in program.resources if not r.name.startswith(f"{APP}-") and r.name != APP]
    assert not misnamed, f"not named f'{{name}}-...': {misnamed}"


def test_no_two_resources_of_a_type_share_a_name(program: Program) -> None:
    keys = [(r.type, r.name) for r in program.resources]
    assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)


# --- Data ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", DEPLOYMENT.tables, ids=lambda table: table.name)
def test_every_described_table_is_on_demand_recoverable_and_protected(program: Program, table: Table) -> None:
    resource = program.one(TABLE, f"{APP}-{table.name}")
    inputs = resource.inputs
    assert inputs["name"] == f"{APP}-{table.name}", resource
    assert inputs["billingMode"] == "PAY_PER_REQUEST", resource
    assert inputs["pointInTimeRecovery"] == {"enabled": True}, resource
    assert inputs["deletionProtectionEnabled"] is True, resource
    assert inputs["hashKey"] == table.hash_key.name, resource
    assert inputs.get("rangeKey") == (table.range_key.name if table.range_key else None), resource
    assert {(a["name"], a["type"]) for a in inputs["attributes"]} == {
        (key.name, key.type) for key in table.attribute_definitions()
    }, resource


@pytest.mark.parametrize("table", DEPLOYMENT.tables, ids=lambda table: table.name)
def test_every_described_index_and_ttl_is_deployed(program: Program, table: Table) -> None:
    resource = program.one(TABLE, f"{APP}-{table.name}")
    deployed = {index["name"]: index for index in resource.inputs.get("globalSecondaryIndexes") or []}
    assert set(deployed) == {index.name for index in table.indexes}, resource
    for index in table.indexes:
        expected = [{"attributeName": index.hash_key.name, "keyType": "HASH"}]
        if index.range_key:
            expected.append({"attributeName": index.range_key.name, "keyType": "RANGE"})
        assert deployed[index.name]["keySchemas"] == expected, f"{resource} index {index.name}"
        assert deployed[index.name]["projectionType"] == index.projection, f"{resource} index {index.name}"
    if table.ttl_attribute:
        assert resource.inputs["ttl"] == {"attributeName": table.ttl_attribute, "enabled": True}, resource
    else:
        assert not resource.inputs.get("ttl"), resource


def test_the_order_indexes_hold_keys_only_so_an_order_update_that_keeps_its_keys_writes_no_index(
    program: Program,
) -> None:
    resource = program.one(TABLE, f"{APP}-orders")
    projections = {index["name"]: index["projectionType"] for index in resource.inputs["globalSecondaryIndexes"]}
    assert projections == {"by_customer": "KEYS_ONLY", "by_status": "KEYS_ONLY"}, resource


# --- Secrets -------------------------------------------------------------------------------------------------------


def test_every_described_secret_holds_exactly_its_fields_as_a_pulumi_secret(program: Program) -> None:
    secrets = {r.name: r for r in program.of_type("aws:secretsmanager/secret:Secret")}
    versions = {r.name: r for r in program.of_type("aws:secretsmanager/secretVersion:SecretVersion")}
    assert set(secrets) == set(versions) == {f"{APP}-{secret.name}" for secret in DEPLOYMENT.secrets}
    for secret in DEPLOYMENT.secrets:
        version = versions[f"{APP}-{secret.name}"]
        assert "secretString" in version.secret_inputs, f"{version} stores its value in plain text"
        assert set(json.loads(version.inputs["secretString"])) == set(secret.fields), version
        assert version.inputs["secretId"] == secrets[f"{APP}-{secret.name}"].state["id"], version
        assert secrets[f"{APP}-{secret.name}"].inputs["recoveryWindowInDays"] == 7


def test_secret_values_come_from_the_stack_configuration(program: Program) -> None:
    value = {
        r.name: json.loads(r.inputs["secretString"])
        for r in program.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    }
    assert value[f"{APP}-stripe"] == {
        "secret_key": "sk_test_mocked",
        "webhook_secret": "whsec_mocked",
        "webhook_secret_previous": "",  # no rotation under way
    }
    assert value[f"{APP}-app-keys"] == {
        "order_token_key": "o" * 64,
        "jwt_signing_key": "j" * 64,
        "jwt_signing_key_previous": "",
    }
    assert value[f"{APP}-admin-users"] == {
        "users": [{"username": "admin", "password_hash": STACK_CONFIG["adminPasswordHash"]}]
    }


# --- Functions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_every_described_function_runs_its_handler_as_described(program: Program, function: Function) -> None:
    resource = function_resource(program, function)
    inputs = resource.inputs
    assert inputs["handler"] == function.handler, resource
    assert inputs["runtime"] == "python3.13", resource
    assert inputs["architectures"] == ["arm64"], resource
    assert inputs["memorySize"] == function.memory_mb, resource
    assert inputs["timeout"] == function.timeout_s, resource
    assert inputs.get("reservedConcurrentExecutions") == function.reserved_concurrency, resource
    assert inputs["tracingConfig"] == {"mode": "Active"}, resource


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_every_function_logs_json_to_its_own_log_group_with_retention(program: Program, function: Function) -> None:
    resource = function_resource(program, function)
    log_group = program.one(LOG_GROUP, f"{APP}-{function.name}")
    assert log_group.inputs["name"] == f"/aws/lambda/{APP}-{function.name}", log_group
    assert log_group.inputs["retentionInDays"] == 30, log_group
    assert resource.inputs["loggingConfig"]["logGroup"] == log_group.inputs["name"], resource
    assert resource.inputs["loggingConfig"]["logFormat"] == "JSON", resource
    # Lambda's own START and REPORT lines are INFO: left out, as the bench's log volume counts them.
    assert resource.inputs["loggingConfig"]["systemLogLevel"] == "WARN", resource
    assert resource.inputs["loggingConfig"]["applicationLogLevel"] == "INFO", resource


def test_every_function_ships_the_code_zip_on_top_of_the_dependency_layer(program: Program) -> None:
    layer = program.one("aws:lambda/layerVersion:LayerVersion", f"{APP}-dependencies")
    assert layer.inputs["compatibleArchitectures"] == ["arm64"], layer
    assert layer.inputs["compatibleRuntimes"] == ["python3.13"], layer
    assert layer.inputs["sourceCodeHash"], layer
    hashes = set()
    for function in DEPLOYMENT.functions:
        resource = function_resource(program, function)
        assert resource.inputs["layers"] == [layer.state["arn"]], resource
        hashes.add(resource.inputs["sourceCodeHash"])
    assert len(hashes) == 1, "every function ships the same code zip"


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_a_function_is_told_every_table_and_only_the_secrets_it_may_read(program: Program, function: Function) -> None:
    environment = function_resource(program, function).inputs["environment"]["variables"]
    for table in DEPLOYMENT.tables:
        assert environment[table.env_var] == program.one(TABLE, f"{APP}-{table.name}").state["name"], table.env_var
    secrets = {r.name: r.state["arn"] for r in program.of_type("aws:secretsmanager/secret:Secret")}
    readable = {secret.env_var: secrets[f"{APP}-{secret.name}"] for secret in DEPLOYMENT.secrets_of(function)}
    assert {key: environment[key] for key in (STRIPE, APP_KEYS, ADMIN_USERS, EDGE) if key in environment} == readable
    assert environment["APP_ENV"] == "production"
    assert environment["EVENT_BUS_NAME"] == program.outputs["busName"]
    # The stack's time rule reaches every function as the code reads it (commerce/settings.py).
    assert (environment["HOLD_MINUTES"], environment["UNPAID_ORDER_MINUTES"]) == ("10", "30")
    # ... and its rules for holds: the caps per customer and address, and when a contended item splits.
    holds = ("HOLDS_PER_CUSTOMER", "HOLDS_PER_SOURCE", "AUTO_SPLIT_SHARDS")
    assert [environment[name] for name in holds] == ["3", "5", "12"]
    assert ("EMAIL_FROM" in environment) == function.sends_email
    assert ("STRIPE_PUBLISHABLE_KEY" in environment) == function.uses_stripe
    # Every function that may write to Stripe draws from the one budget the stack sets (commerce/payment_budget.py).
    assert environment.get("STRIPE_WRITES_PER_SECOND") == ("80" if function.uses_stripe else None)


def test_only_functions_that_start_sagas_know_the_deployed_state_machine(program: Program) -> None:
    machine = program.one("aws:sfn/stateMachine:StateMachine", f"{APP}-fulfillment")
    for function in DEPLOYMENT.functions:
        environment = function_resource(program, function).inputs["environment"]["variables"]
        if function.starts_workflows:
            assert environment["FULFILLMENT_STATE_MACHINE_ARN"] == machine.state["arn"], function.name
        else:
            assert "FULFILLMENT_STATE_MACHINE_ARN" not in environment, function.name


# --- Events --------------------------------------------------------------------------------------------------------


def test_the_bus_is_the_one_functions_publish_to(program: Program) -> None:
    bus = program.one("aws:cloudwatch/eventBus:EventBus", f"{APP}-{DEPLOYMENT.bus_name}")
    assert bus.state["name"] == program.outputs["busName"] == f"{APP}-{DEPLOYMENT.bus_name}"


@pytest.mark.parametrize("rule", DEPLOYMENT.rules, ids=lambda rule: rule.name)
def test_every_rule_matches_its_described_pattern_on_the_bus(program: Program, rule: Rule) -> None:
    resource = program.one(RULE, f"{APP}-{rule.name}")
    assert json.loads(resource.inputs["eventPattern"]) == rule.pattern, resource
    assert resource.inputs["eventBusName"] == program.outputs["busName"], resource


@dataclass(frozen=True)
class Target:
    key: str  # the rule's resource key: a rule's name, or "<schedule>-schedule"
    function: str
    on_default_bus: bool


TARGETS = [Target(rule.name, rule.target_function or "", False) for rule in DEPLOYMENT.rules] + [
    Target(f"{schedule.name}-schedule", schedule.target_function, True) for schedule in DEPLOYMENT.schedules
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.key)
def test_every_rule_and_schedule_targets_its_function_with_retries_and_its_own_dead_letter_queue(
    program: Program, target: Target
) -> None:
    key, function = target.key, target.function
    rule = program.one(RULE, f"{APP}-{key}")
    deployed = program.one(TARGET, f"{APP}-{key}")
    queue = program.one(QUEUE, f"{APP}-{key}-dlq")
    assert deployed.inputs["rule"] == rule.state["name"], deployed
    assert deployed.inputs["arn"] == program.one(FUNCTION, f"{APP}-{function}").state["arn"], deployed
    assert deployed.inputs["deadLetterConfig"] == {"arn": queue.state["arn"]}, deployed
    assert deployed.inputs["retryPolicy"]["maximumRetryAttempts"] > 0, deployed
    assert deployed.inputs["retryPolicy"]["maximumEventAgeInSeconds"] >= 60, deployed
    expected_bus = None if target.on_default_bus else program.outputs["busName"]
    assert deployed.inputs.get("eventBusName") == expected_bus, deployed
    assert queue.inputs["messageRetentionSeconds"] == 14 * 24 * 3600, queue
    assert queue.inputs["sqsManagedSseEnabled"] is True, queue


def test_the_expiry_schedule_runs_on_the_default_bus_at_its_described_rate(program: Program) -> None:
    for schedule in DEPLOYMENT.schedules:
        rule = program.one(RULE, f"{APP}-{schedule.name}-schedule")
        assert rule.inputs["scheduleExpression"] == schedule.expression, rule
        assert not rule.inputs.get("eventBusName"), f"{rule}: schedules only run on the default bus"


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.key)
def test_eventbridge_may_invoke_a_function_only_from_its_rule(program: Program, target: Target) -> None:
    key, function = target.key, target.function
    permission = program.one(PERMISSION, f"{APP}-{key}")
    assert permission.inputs["principal"] == "events.amazonaws.com", permission
    assert permission.inputs["action"] == "lambda:InvokeFunction", permission
    assert permission.inputs["function"] == f"{APP}-{function}", permission
    assert permission.inputs["sourceArn"] == program.one(RULE, f"{APP}-{key}").state["arn"], permission


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.key)
def test_a_dead_letter_queue_accepts_messages_only_from_its_rule(program: Program, target: Target) -> None:
    key = target.key
    queue = program.one(QUEUE, f"{APP}-{key}-dlq")
    policy = program.one("aws:sqs/queuePolicy:QueuePolicy", f"{APP}-{key}-dlq")
    assert policy.inputs["queueUrl"] == queue.state["url"], policy
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}, policy
    assert statement["Action"] == "sqs:SendMessage", policy
    assert statement["Resource"] == queue.state["arn"], policy
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": program.one(RULE, f"{APP}-{key}").state["arn"]}}


def test_an_event_a_function_fails_on_lands_in_its_dead_letter_queue_after_lambdas_retries(program: Program) -> None:
    configs = {r.name: r for r in program.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")}
    for target in TARGETS:
        config = configs[f"{APP}-{target.function}"]
        queue = program.one(QUEUE, f"{APP}-{target.key}-dlq")
        assert config.inputs["functionName"] == f"{APP}-{target.function}", config
        assert config.inputs["maximumRetryAttempts"] == 2, config
        assert config.inputs["destinationConfig"] == {"onFailure": {"destination": queue.state["arn"]}}, config


# --- SnapStart -----------------------------------------------------------------------------------------------------

ALIAS = "aws:lambda/alias:Alias"
ALIAS_NAME = "live"


def invoked(program: Program, function: str) -> Resource:
    """What callers invoke: the function's alias when it runs with SnapStart, else the function."""
    if DEPLOYMENT.function(function).snap_start:
        return program.one(ALIAS, f"{APP}-{function}-{ALIAS_NAME}")
    return program.one(FUNCTION, f"{APP}-{function}")


def test_only_the_api_runs_with_snapstart_on_published_versions(program: Program) -> None:
    assert [function.name for function in DEPLOYMENT.functions if function.snap_start] == ["api"]
    for function in DEPLOYMENT.functions:
        resource = function_resource(program, function)
        if function.snap_start:
            assert resource.inputs["publish"] is True, resource
            assert resource.inputs["snapStart"] == {"applyOn": "PublishedVersions"}, resource
        else:
            assert not resource.inputs.get("publish") and not resource.inputs.get("snapStart"), resource


def test_the_api_alias_points_at_the_version_the_function_published(program: Program) -> None:
    function = program.one(FUNCTION, f"{APP}-api")
    alias = program.one(ALIAS, f"{APP}-api-{ALIAS_NAME}")
    assert alias.inputs["name"] == ALIAS_NAME, alias
    assert alias.inputs["functionName"] == function.state["name"], alias
    assert alias.inputs["functionVersion"] == function.state["version"] != "$LATEST", alias
    assert [r.name for r in program.of_type(ALIAS)] == [alias.name], "SnapStart only for the API: one alias"


# --- HTTP API ------------------------------------------------------------------------------------------------------


def test_the_http_api_routes_graphql_and_the_stripe_webhook_with_payload_v2(program: Program) -> None:
    routes = {r.inputs["routeKey"]: r for r in program.of_type("aws:apigatewayv2/route:Route")}
    assert set(routes) == {"POST /graphql", "POST /webhooks/stripe"}, "GET /graphql stays off in production"
    integrations = {r.state["id"]: r for r in program.of_type("aws:apigatewayv2/integration:Integration")}
    targets = {"POST /graphql": invoked(program, "api"), "POST /webhooks/stripe": invoked(program, "stripe-webhook")}
    for route_key, target in targets.items():
        integration = integrations[routes[route_key].inputs["target"].removeprefix("integrations/")]
        assert integration.inputs["integrationUri"] == target.state["invokeArn"], integration
        assert integration.inputs["integrationType"] == "AWS_PROXY", integration
        assert integration.inputs["payloadFormatVersion"] == "2.0", integration
        assert integration.inputs["timeoutMilliseconds"] <= 30_000, integration


def test_api_gateway_may_invoke_each_function_only_for_its_route(program: Program) -> None:
    api = program.one("aws:apigatewayv2/api:Api", f"{APP}-http")
    for slug, function, suffix in (
        ("post-graphql", "api", "POST/graphql"),
        ("post-webhooks-stripe", "stripe-webhook", "POST/webhooks/stripe"),
    ):
        permission = program.one(PERMISSION, f"{APP}-{slug}")
        assert permission.inputs["principal"] == "apigateway.amazonaws.com", permission
        assert permission.inputs["function"] == f"{APP}-{function}", permission
        # The grant is for what the integration invokes: a permission on the function does not cover its alias.
        expected_qualifier = ALIAS_NAME if DEPLOYMENT.function(function).snap_start else None
        assert permission.inputs.get("qualifier") == expected_qualifier, permission
        assert permission.inputs["sourceArn"] == f"{api.state['executionArn']}/*/{suffix}", permission


def test_the_default_stage_throttles_and_writes_json_access_logs(program: Program) -> None:
    stage = program.one("aws:apigatewayv2/stage:Stage", f"{APP}-default")
    assert stage.inputs["name"] == "$default" and stage.inputs["autoDeploy"] is True, stage
    assert stage.inputs["defaultRouteSettings"]["throttlingRateLimit"] == 100, stage
    assert stage.inputs["defaultRouteSettings"]["throttlingBurstLimit"] == 200, stage
    logs = program.one(LOG_GROUP, f"{APP}-http-access")
    assert stage.inputs["accessLogSettings"]["destinationArn"] == logs.state["arn"], stage
    assert json.loads(stage.inputs["accessLogSettings"]["format"])["status"] == "$context.status", stage


def test_cors_is_off_when_the_spa_is_the_apis_only_origin(program: Program) -> None:
    api = program.one("aws:apigatewayv2/api:Api", f"{APP}-http")
    assert not api.inputs.get("corsConfiguration"), "same origin through CloudFront: no CORS to open"


# --- Web app -------------------------------------------------------------------------------------------------------


def test_the_web_bucket_is_private_and_only_its_distribution_reads_it(program: Program) -> None:
    bucket = program.one("aws:s3/bucket:Bucket", f"{APP}-web")
    block = program.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{APP}-web")
    assert all(block.inputs[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block.inputs["restrictPublicBuckets"] is True, block
    distribution = program.one("aws:cloudfront/distribution:Distribution", f"{APP}-web")
    (statement,) = json.loads(program.one("aws:s3/bucketPolicy:BucketPolicy", f"{APP}-web").inputs["policy"])[
        "Statement"
    ]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"{bucket.state['arn']}/*"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": distribution.state["arn"]}}


def test_cloudfront_serves_the_spa_through_origin_access_control_with_client_side_routing(program: Program) -> None:
    distribution = program.one("aws:cloudfront/distribution:Distribution", f"{APP}-web").inputs
    origins = {origin["originId"]: origin for origin in distribution["origins"]}
    access = program.one("aws:cloudfront/originAccessControl:OriginAccessControl", f"{APP}-web")
    assert origins["web"]["originAccessControlId"] == access.state["id"]
    assert access.inputs["signingBehavior"] == "always" and access.inputs["originAccessControlOriginType"] == "s3"
    default = distribution["defaultCacheBehavior"]
    assert default["targetOriginId"] == "web" and default["viewerProtocolPolicy"] == "redirect-to-https"
    routing = program.one("aws:cloudfront/function:Function", f"{APP}-spa-routing")
    assert default["functionAssociations"] == [{"eventType": "viewer-request", "functionArn": routing.state["arn"]}]
    assert "/index.html" in routing.inputs["code"] and routing.inputs["publish"] is True
    assert distribution["defaultRootObject"] == "index.html"


def test_cloudfront_routes_graphql_and_webhooks_to_the_api_uncached(program: Program) -> None:
    distribution = program.one("aws:cloudfront/distribution:Distribution", f"{APP}-web").inputs
    api = {origin["originId"]: origin for origin in distribution["origins"]}["api"]
    assert api["domainName"] == f"a1b2c3d4e5.execute-api.{REGION}.amazonaws.com"
    assert api["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    behaviors = {behavior["pathPattern"]: behavior for behavior in distribution["orderedCacheBehaviors"]}
    assert set(behaviors) == {"/graphql", "/webhooks/*"}
    for path, behavior in behaviors.items():
        assert behavior["targetOriginId"] == "api", path
        assert "POST" in behavior["allowedMethods"], path
        assert behavior["cachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", f"{path}: CachingDisabled"
        assert behavior["originRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac", path


def test_the_spa_reads_its_stripe_configuration_from_config_json(program: Program) -> None:
    config = program.one("aws:s3/bucketObjectv2:BucketObjectv2", f"{APP}-config.json")
    assert config.inputs["key"] == "config.json" and config.inputs["cacheControl"] == "no-cache"
    assert json.loads(config.inputs["content"]) == {
        "stripePublishableKey": "pk_test_mocked",
        "stripeJsUrl": "https://js.stripe.com/v3/",
    }


def test_the_built_spa_is_uploaded_with_long_caching_only_for_hashed_assets(program: Program) -> None:
    objects = {
        r.inputs["key"]: r
        for r in program.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
        if r.name != f"{APP}-config.json"
    }
    assert set(objects) == set(SPA_FILES) - {"config.json"}, "the stack's config.json replaces the build's"
    assert objects["index.html"].inputs["cacheControl"] == "no-cache"
    assert objects["index.html"].inputs["contentType"] == "text/html; charset=utf-8"
    assert objects["assets/index-3f9a1c.js"].inputs["cacheControl"] == "public, max-age=31536000, immutable"
    assert objects["assets/index-3f9a1c.js"].inputs["contentType"] == "text/javascript"


# --- Monitoring ----------------------------------------------------------------------------------------------------


def alarm(program: Program, key: str) -> Resource:
    return program.one(ALARM, f"{APP}-{key}")


def test_every_alarm_mails_the_configured_address(program: Program) -> None:
    topic = program.one("aws:sns/topic:Topic", f"{APP}-alarms")
    subscription = program.one("aws:sns/topicSubscription:TopicSubscription", f"{APP}-alarms-email")
    assert subscription.inputs["protocol"] == "email" and subscription.inputs["endpoint"] == "ops@shop.example.com"
    assert subscription.inputs["topic"] == topic.state["arn"]
    silent = [str(a) for a in program.of_type(ALARM) if a.inputs["alarmActions"] != [topic.state["arn"]]]
    assert not silent, f"alarms that notify nobody: {silent}"


def test_a_failed_saga_raises_an_alarm(program: Program) -> None:
    saga = alarm(program, "saga-failed").inputs
    assert (saga["namespace"], saga["metricName"]) == ("AWS/States", "ExecutionsFailed")
    assert saga["dimensions"] == {"StateMachineArn": program.outputs["stateMachineArn"]}
    assert saga["threshold"] == 1 and saga["comparisonOperator"] == "GreaterThanOrEqualToThreshold"


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_every_function_alarms_on_errors_and_throttles(program: Program, function: Function) -> None:
    for metric in ("Errors", "Throttles"):
        inputs = alarm(program, f"{function.name}-{metric.lower()}").inputs
        assert (inputs["namespace"], inputs["metricName"]) == ("AWS/Lambda", metric)
        assert inputs["dimensions"] == {"FunctionName": f"{APP}-{function.name}"}


def test_the_api_alarms_on_5xx_and_on_p99_latency(program: Program) -> None:
    dimensions = {"ApiId": "a1b2c3d4e5", "Stage": "$default"}
    errors = alarm(program, "api-5xx").inputs
    assert (errors["namespace"], errors["metricName"], errors["dimensions"]) == ("AWS/ApiGateway", "5xx", dimensions)
    latency = alarm(program, "api-p99-latency").inputs
    assert (latency["metricName"], latency["extendedStatistic"], latency["threshold"]) == ("Latency", "p99", 3000)
    assert latency["dimensions"] == dimensions


@pytest.mark.parametrize("table", [table.name for table in DEPLOYMENT.tables])
def test_every_table_alarms_on_throttled_requests(program: Program, table: str) -> None:
    queries = alarm(program, f"{table}-throttled").inputs["metricQueries"]
    metrics = [query["metric"] for query in queries if "metric" in query]
    assert {m["metricName"] for m in metrics} == {"ThrottledRequests"}
    assert {m["dimensions"]["TableName"] for m in metrics} == {f"{APP}-{table}"}
    assert {m["dimensions"]["Operation"] for m in metrics} == set(DYNAMODB_OPERATIONS)
    assert [q["expression"] for q in queries if q.get("returnData")] == ["SUM(METRICS())"]


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.key)
def test_every_dead_letter_queue_alarms_as_soon_as_it_holds_a_message(program: Program, target: Target) -> None:
    key = target.key
    inputs = alarm(program, f"{key}-dlq").inputs
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert inputs["dimensions"] == {"QueueName": program.one(QUEUE, f"{APP}-{key}-dlq").state["name"]}
    assert (inputs["threshold"], inputs["comparisonOperator"]) == (0, "GreaterThanThreshold")


def test_the_dashboard_shows_every_function_table_and_queue(program: Program) -> None:
    body = json.loads(program.one("aws:cloudwatch/dashboard:Dashboard", f"{APP}-overview").inputs["dashboardBody"])
    text = json.dumps(body)
    names = [f"{APP}-{f.name}" for f in DEPLOYMENT.functions] + [f"{APP}-{t.name}" for t in DEPLOYMENT.tables]
    names += [q.state["name"] for q in program.of_type(QUEUE)] + [program.outputs["stateMachineArn"]]
    assert all(f'"{name}"' in text for name in names), [name for name in names if f'"{name}"' not in text]
    assert {widget["properties"]["region"] for widget in body["widgets"]} == {REGION}


# --- Outputs -------------------------------------------------------------------------------------------------------


def test_the_stack_exports_what_ops_need(program: Program) -> None:
    site = "https://d111111abcdef8.cloudfront.net"
    assert program.outputs == {
        "spaUrl": site,
        "apiUrl": f"{site}/graphql",
        "webhookUrl": f"{site}/webhooks/stripe",
        "httpApiUrl": f"https://a1b2c3d4e5.execute-api.{REGION}.amazonaws.com",
        "busName": f"{APP}-orders",
        "stateMachineArn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{APP}-fulfillment",
        "webBucket": f"{APP}-web-1a2b3c4",
        "distributionId": "E2MOCKDIST",
        "alarmTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{APP}-alarms-1a2b3c4",
    }


def test_a_complete_configuration_deploys_without_warnings(program: Program) -> None:
    assert program.warnings == []
