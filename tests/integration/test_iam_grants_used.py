"""Every grant of every role is used by some test, or listed below with the reason it is not.

How it is computed: a grant is one (action, resource) pair of an Allow statement of a role's policy, as the local
cloud enforces it (infra/local/roles.py). The local cloud records every (role, action, resource ARN) it allowed
during the session; a grant is used when some record of its role matches its action and resource patterns. The test
runs after every other test of the session (tests/conftest.py orders it last) and judges only a session that ran the
whole local-cloud layer (tests/integration and tests/proof), or one whose `IAM_USAGE_LOG` file gathers the records of
several partial runs: on a part of the suite, most grants are unused for want of the tests that use them.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from pathlib import Path

import pytest

from infra.local.cloud import LocalCloud
from infra.local.iam_enforcement import Grant, Use, unused_grants

pytestmark = [pytest.mark.integration, pytest.mark.after_every_local_cloud_test]

# (role, statement Sid, action, resource) patterns of grants no test uses, and why.
EXPLAINED: list[tuple[str, str, str, str, str]] = [
    (
        "*",
        "WriteOwnLogs",
        "*",
        "*",
        "Lambda's runtime writes the function's logs with its role; our code never calls "
        "CloudWatch Logs (locally the logs go to the terminal)",
    ),
    (
        "*",
        "Tracing",
        "*",
        "*",
        "the X-Ray daemon in Lambda (and Step Functions) sends segments with the role; locally "
        "segments are collected in-process (infra/local/xray.py)",
    ),
    (
        "*-fulfillment",
        "DeliverLogs",
        "*",
        "*",
        "Step Functions sets up log delivery when the state machine is created by Pulumi, not during an execution",
    ),
    # Code paths the local cloud does not make happen; each grant is what that path needs on AWS.
    (
        "local-allocate-shipment",
        "OrderEventsTable",
        "dynamodb:Query",
        "*",
        "commerce/timeline.py authorized_at: an order authorized before payment.authorized_at was recorded finds it "
        "in its timeline when shipped (analytics, metrics); every order the tests make has it",
    ),
    *(
        (
            function,
            "OrderEventsTable",
            "dynamodb:Query",
            "*",
            "commerce/timeline.py compensation_started: a compensation begun before orders carried their request "
            "(order.compensation) reads how it was asked for from its timeline; every order the tests make carries it",
        )
        for function in ("local-compensation", "local-redrive-stuck-orders")
    ),
    (
        "local-redrive-stuck-orders",
        "IdempotencyTable",
        "dynamodb:DeleteItem",
        "*",
        "InventoryService.free_hold_slots: a stalled compensation the re-drive finishes frees the hold slots of an "
        "order that still held stock (commerce/hold_limits.py); the re-drive tests' orders held none by then",
    ),
    *(
        (
            "local-mark-fulfilled",
            sid,
            "dynamodb:UpdateItem",
            "*",
            "FulfillmentSteps.mark_fulfilled ships the reservation (its record and its stock) when an AllocateShipment "
            "attempt ended after the order was SHIPPED and before it moved the stock: a crash the local runtime "
            "cannot stop a handler at",
        )
        for sid in ("ReservationsTable", "InventoryTable")
    ),
    (
        "local-payment-authorized",
        "IdempotencyTable",
        "dynamodb:DeleteItem",
        "*",
        "SagaLauncher.launch gives its claim back when StartExecution fails, so the next delivery starts the saga; "
        "the local Step Functions does not fail a start",
    ),
    (
        "local-stripe-webhook",
        "IdempotencyTable",
        "dynamodb:DeleteItem",
        "*",
        "WebhookIntake.receive gives the event's claim back when PutEvents fails, so Stripe's redelivery is not "
        "taken for a duplicate; the local bus does not fail a put",
    ),
    (
        "local-payment-authorized",
        "SendCustomerEmail",
        "*",
        "*",
        "an authorization for a CANCELLED order runs the compensation (commerce/services/authorizations.py), which "
        "sends the 'cancelled' email only if it was never claimed: the order's first compensation ended before its "
        "email (a crash)",
    ),
]


def explained(grant: Grant) -> bool:
    return any(
        fnmatch.fnmatchcase(grant.principal, role)
        and fnmatch.fnmatchcase(grant.sid, sid)
        and fnmatch.fnmatchcase(grant.action, action)
        and fnmatch.fnmatchcase(grant.resource, resource)
        for role, sid, action, resource, _ in EXPLAINED
    )


# Secrets Manager ends each secret's ARN in six random characters, new at every start of the local cloud.
_SECRET_SUFFIX = re.compile(r"(:secret:[^:]+)-[A-Za-z0-9]{6}$")


def recorded_uses(cloud: LocalCloud) -> set[Use]:
    """This session's records, and those of earlier runs in `IAM_USAGE_LOG` with their secrets' ARNs as today's."""
    assert cloud.iam is not None
    uses = set(cloud.iam.uses)
    log = os.environ.get("IAM_USAGE_LOG")
    if log and Path(log).exists():
        today = {_SECRET_SUFFIX.sub(r"\1", arn): arn for arn in cloud.environment.values() if ":secret:" in arn}
        for line in Path(log).read_text().splitlines():
            principal, action, resource = json.loads(line)
            uses.add(Use(principal, action, today.get(_SECRET_SUFFIX.sub(r"\1", resource), resource)))
    return uses


def test_every_grant_is_used_by_some_test_or_explained(local_cloud: LocalCloud, request: pytest.FixtureRequest) -> None:
    missing = request.config.stash.get(LOCAL_CLOUD_MODULES_MISSING, None)
    if missing and not os.environ.get("IAM_USAGE_LOG"):
        pytest.skip(f"judged only on the whole local-cloud layer; this session left out {len(missing)} module(s)")
    assert local_cloud.iam is not None
    unused = unused_grants(local_cloud.iam.grants(), recorded_uses(local_cloud))
    unexplained = [grant for grant in unused if not explained(grant)]
    assert not unexplained, "grants no test used:\n" + "\n".join(
        f"{g.principal} {g.sid} {g.action} {g.resource}" for g in unexplained
    )


LOCAL_CLOUD_MODULES_MISSING = pytest.StashKey[list[str]]()
