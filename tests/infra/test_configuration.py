"""Stack configuration: defaults, switches, refusals of unsafe values, and a description that grows."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from unittest import mock

import pytest

from infra.components import packaging
from infra.deployment import DEPLOYMENT, Index, Key, Rule, Table, uses
from tests.infra.conftest import SECRET_KEYS, STACK_CONFIG
from tests.infra.program import ROOT, Program, run_program

APP = "fulfillment-test"


@pytest.fixture(scope="module")
def first_deploy(tmp_path_factory: pytest.TempPathFactory, mocked_bundle: packaging.Bundle) -> Program:
    """A first `pulumi up`: no webhook secret yet (Stripe issues it later), no SPA build, no alarm address."""
    config = {key: value for key, value in STACK_CONFIG.items() if key not in {"stripeWebhookSecret", "alarmEmail"}}
    config |= {
        "webDist": str(tmp_path_factory.mktemp("not-built")),
        "deletionProtection": "false",
        "secretRecoveryDays": "0",
        "corsOrigins": json.dumps(["http://localhost:5173"]),
        "verifySender": "false",
    }
    return run_program(config, [key for key in SECRET_KEYS if key in config], mocked_bundle)


def test_a_first_deploy_without_the_webhook_secret_warns_and_stores_an_empty_one(first_deploy: Program) -> None:
    version = first_deploy.one("aws:secretsmanager/secretVersion:SecretVersion", f"{APP}-stripe")
    assert json.loads(version.inputs["secretString"])["webhook_secret"] == ""
    assert any("stripeWebhookSecret is not set" in warning for warning in first_deploy.warnings)


def test_without_a_build_no_spa_file_is_uploaded_but_config_json_is(first_deploy: Program) -> None:
    keys = [r.inputs["key"] for r in first_deploy.of_type("aws:s3/bucketObjectv2:BucketObjectv2")]
    assert keys == ["config.json"]
    assert any("npm --prefix frontend run build" in warning for warning in first_deploy.warnings)


def test_without_an_alarm_address_the_topic_has_no_subscription_and_says_so(first_deploy: Program) -> None:
    assert not first_deploy.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert any("alarmEmail is not set" in warning for warning in first_deploy.warnings)


def test_deletion_protection_and_the_secret_recovery_window_are_switches(first_deploy: Program) -> None:
    tables = first_deploy.of_type("aws:dynamodb/table:Table")
    assert tables and all(table.inputs["deletionProtectionEnabled"] is False for table in tables)
    secrets = first_deploy.of_type("aws:secretsmanager/secret:Secret")
    assert all(secret.inputs["recoveryWindowInDays"] == 0 for secret in secrets)


def test_other_browser_origins_get_cors_for_posts_only(first_deploy: Program) -> None:
    cors = first_deploy.one("aws:apigatewayv2/api:Api", f"{APP}-http").inputs["corsConfiguration"]
    assert cors["allowOrigins"] == ["http://localhost:5173"]
    assert cors["allowMethods"] == ["POST", "OPTIONS"]
    assert not cors.get("allowCredentials")


def test_an_already_verified_sender_is_not_created_again(first_deploy: Program) -> None:
    assert not first_deploy.of_type("aws:sesv2/emailIdentity:EmailIdentity")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("orderTokenKey", "short", "orderTokenKey must be at least 32 characters"),
        ("jwtSigningKey", "x" * 31, "jwtSigningKey must be at least 32 characters"),
        ("adminPasswordHash", "hunter2", "adminPasswordHash must be an argon2id hash"),
    ],
)
def test_unsafe_secrets_are_refused_before_anything_deploys(
    mocked_bundle: packaging.Bundle, key: str, value: str, message: str
) -> None:
    with pytest.raises(Exception, match=message):
        run_program({**STACK_CONFIG, key: value}, SECRET_KEYS, mocked_bundle, stack="refused")


def test_a_missing_required_setting_is_named(mocked_bundle: packaging.Bundle) -> None:
    config = {key: value for key, value in STACK_CONFIG.items() if key != "stripeSecretKey"}
    with pytest.raises(Exception, match="stripeSecretKey"):
        run_program(config, [key for key in SECRET_KEYS if key in config], mocked_bundle, stack="incomplete")


def test_a_table_rule_and_saga_target_added_to_the_description_are_deployed_without_touching_the_program(
    mocked_bundle: packaging.Bundle, tmp_path: Path
) -> None:
    """The admin and saga work adds tables and rules to infra/deployment.py: the program reads them generically."""
    gift_cards = Table("gift_cards", hash_key=Key("code"), indexes=(Index("by_owner", hash_key=Key("email")),))
    saga_rule = Rule("retry-saga", "Restart a saga by hand", {"source": ["ops"]}, target_state_machine="fulfillment")
    api = dataclasses.replace(
        DEPLOYMENT.function("api"),
        tables={**DEPLOYMENT.function("api").tables, "gift_cards": uses("GetItem", indexes=("by_owner",))},
    )
    grown = dataclasses.replace(
        DEPLOYMENT,
        tables=(*DEPLOYMENT.tables, gift_cards),
        functions=tuple(api if f.name == "api" else f for f in DEPLOYMENT.functions),
        rules=(*DEPLOYMENT.rules, saga_rule),
    )
    with mock.patch("infra.deployment.DEPLOYMENT", grown):
        program = run_program({**STACK_CONFIG, "webDist": str(tmp_path)}, SECRET_KEYS, mocked_bundle, stack="grown")
    table = program.one("aws:dynamodb/table:Table", f"{APP.replace('test', 'grown')}-gift_cards")
    assert [index["name"] for index in table.inputs["globalSecondaryIndexes"]] == ["by_owner"]
    environment = program.one("aws:lambda/function:Function", "fulfillment-grown-api").inputs["environment"]
    assert environment["variables"]["GIFT_CARDS_TABLE"] == table.state["name"]
    policy = json.loads(program.one("aws:iam/rolePolicy:RolePolicy", "fulfillment-grown-api").inputs["policy"])
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert statements["GiftCardsTable"]["Action"] == ["dynamodb:GetItem"]
    assert statements["GiftCardsTable"]["Resource"] == [table.state["arn"]]
    assert statements["GiftCardsTableIndexes"]["Resource"] == [f"{table.state['arn']}/index/by_owner"]
    target = program.one("aws:cloudwatch/eventTarget:EventTarget", "fulfillment-grown-retry-saga")
    machine = program.one("aws:sfn/stateMachine:StateMachine", "fulfillment-grown-fulfillment")
    role = program.one("aws:iam/role:Role", "fulfillment-grown-retry-saga-target")
    assert target.inputs["arn"] == machine.state["arn"] and target.inputs["roleArn"] == role.state["arn"]
    start = json.loads(
        program.one("aws:iam/rolePolicy:RolePolicy", "fulfillment-grown-retry-saga-target").inputs["policy"]
    )
    assert start["Statement"][0]["Action"] == ["states:StartExecution"]
    assert start["Statement"][0]["Resource"] == [machine.state["arn"]]


def test_the_example_stack_file_documents_exactly_the_settings_the_program_reads() -> None:
    documented = set(re.findall(r"fulfillment:(\w+)", (ROOT / "Pulumi.dev.yaml.example").read_text()))
    read = set(re.findall(r'config\.\w+\("(\w+)"', (ROOT / "infra" / "config.py").read_text()))
    read |= set(re.findall(r'_get_\w+\(config, "(\w+)"', (ROOT / "infra" / "config.py").read_text()))
    assert documented == read


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("logRetentionDays", "10", "logRetentionDays must be one of"),
        ("secretRecoveryDays", "3", "secretRecoveryDays must be 0"),
        ("emailFrom", "orders", "emailFrom 'orders' is not an email address"),
        ("holdMinutes", "0", "holdMinutes must be between 1 and 25"),
        ("holdMinutes", "26", "holdMinutes must be between 1 and 25"),
        ("unpaidOrderMinutes", "20", "unpaidOrderMinutes longer than that"),
        ("stripeWritesPerSecond", "5", "stripeWritesPerSecond must be at least 20"),
        ("holdsPerCustomer", "0", "holdsPerCustomer must be between 1 and 50"),
        ("holdsPerSource", "51", "holdsPerSource between 0 and 50"),
        ("autoSplitShards", "40", "autoSplitShards must be 0 \\(off\\) or between 2 and 32"),
    ],
)
def test_settings_aws_would_refuse_are_refused_at_preview(
    mocked_bundle: packaging.Bundle, key: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        run_program({**STACK_CONFIG, key: value}, SECRET_KEYS, mocked_bundle, stack="refused")


def test_during_a_rotation_the_previous_keys_reach_the_secrets_beside_the_new_ones(
    tmp_path_factory: pytest.TempPathFactory, mocked_bundle: packaging.Bundle
) -> None:
    previous = {"jwtSigningKeyPrevious": "p" * 64, "stripeWebhookSecretPrevious": "whsec_previous_mocked"}
    config = {**STACK_CONFIG, **previous, "webDist": str(tmp_path_factory.mktemp("not-built"))}
    rotating = run_program(config, [*SECRET_KEYS, *previous], mocked_bundle)
    stripe = rotating.one("aws:secretsmanager/secretVersion:SecretVersion", f"{APP}-stripe")
    app_keys = rotating.one("aws:secretsmanager/secretVersion:SecretVersion", f"{APP}-app-keys")
    assert "secretString" in stripe.secret_inputs and "secretString" in app_keys.secret_inputs
    assert json.loads(stripe.inputs["secretString"])["webhook_secret_previous"] == "whsec_previous_mocked"
    assert json.loads(app_keys.inputs["secretString"])["jwt_signing_key_previous"] == "p" * 64
