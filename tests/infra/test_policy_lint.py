"""parliament, the IAM policy linter, over every role policy the Pulumi program deploys; each finding explained."""

from __future__ import annotations

import json

from parliament import analyze_policy_string  # type: ignore[import-untyped]

from tests.infra.program import Program

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

# Findings that remain, per RolePolicy resource name, each with why it is right for us.
EXPLAINED: dict[str, dict[str, str]] = {
    "fulfillment-test-fulfillment": {
        # logs:PutResourcePolicy is a permissions-management action (it edits CloudWatch Logs' resource policy).
        "PERMISSIONS_MANAGEMENT_ACTIONS": "Step Functions sets up execution-log delivery through it: the Step "
        "Functions developer guide's 'IAM policies for logging to CloudWatch Logs' lists it, and it names no resource",
    },
}


def findings(policy: str) -> set[str]:
    return {finding.issue for finding in analyze_policy_string(policy, include_community_auditors=True).findings}


def test_every_role_policy_passes_parliament_but_for_explained_findings(program: Program) -> None:
    policies = program.of_type(ROLE_POLICY)
    assert len(policies) > 10, "expected a policy per function and the saga's"
    unexplained = {}
    stale = {}
    for resource in policies:
        found = findings(resource.inputs["policy"])
        explained = EXPLAINED.get(resource.name, {})
        if found - set(explained):
            unexplained[str(resource)] = sorted(found - set(explained))
        if set(explained) - found:
            stale[resource.name] = sorted(set(explained) - found)
    assert not unexplained, f"parliament findings without an explanation: {unexplained}"
    assert not stale, f"explained findings parliament no longer reports (drop them): {stale}"


def test_parliament_reports_what_it_is_here_to_catch() -> None:
    """The linter is really consulted: a misspelt action, a resource of the wrong kind and a data action on every
    resource are findings."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "dynamodb:GetItems", "Resource": "*"},
        ],
    }
    assert "UNKNOWN_ACTION" in findings(json.dumps(policy))
    mismatch = {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:s3:::bucket/*"}
    assert "RESOURCE_MISMATCH" in findings(json.dumps({**policy, "Statement": [mismatch]}))
    everything = {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}
    assert "RESOURCE_STAR" in findings(json.dumps({**policy, "Statement": [everything]}))
