"""In the SES sandbox, the configured test recipients become SES identities, so that AWS asks them to verify."""

from __future__ import annotations

import json

import pytest

from infra.components import packaging
from infra.deployment import DEPLOYMENT
from tests.infra.conftest import SECRET_KEYS, STACK_CONFIG
from tests.infra.program import Program, run_program

APP = "fulfillment-test"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
SENDER = STACK_CONFIG["emailFrom"]
RECIPIENTS = ["tester@example.org", "qa@example.net"]


@pytest.fixture(scope="module")
def sandboxed(mocked_bundle: packaging.Bundle) -> Program:
    # The sender listed again, and a recipient twice: each address is still one identity.
    listed = [*RECIPIENTS, SENDER, RECIPIENTS[0]]
    return run_program({**STACK_CONFIG, "sesSandboxRecipients": json.dumps(listed)}, SECRET_KEYS, mocked_bundle)


def test_each_sandbox_recipient_becomes_an_email_identity_once(sandboxed: Program) -> None:
    identities = sorted(identity.inputs["emailIdentity"] for identity in sandboxed.of_type(IDENTITY))
    assert identities == sorted([SENDER, *RECIPIENTS])


def test_the_functions_that_send_mail_may_send_to_every_recipient_identity(sandboxed: Program) -> None:
    recipient_arns = {i.state["arn"] for i in sandboxed.of_type(IDENTITY) if i.inputs["emailIdentity"] in RECIPIENTS}
    for function in (f for f in DEPLOYMENT.functions if f.sends_email):
        policy = json.loads(sandboxed.one("aws:iam/rolePolicy:RolePolicy", f"{APP}-{function.name}").inputs["policy"])
        (send,) = [s for s in policy["Statement"] if s["Action"] == ["ses:SendEmail"]]
        assert recipient_arns <= set(send["Resource"]), function.name


def test_without_sandbox_recipients_only_the_sender_is_an_identity(program: Program) -> None:
    assert [identity.inputs["emailIdentity"] for identity in program.of_type(IDENTITY)] == [SENDER]


def test_a_sandbox_recipient_that_is_not_an_address_is_refused(mocked_bundle: packaging.Bundle) -> None:
    config = {**STACK_CONFIG, "sesSandboxRecipients": json.dumps(["tester@example.org", "tester"])}
    with pytest.raises(Exception, match="sesSandboxRecipients: 'tester' is not an email address"):
        run_program(config, SECRET_KEYS, mocked_bundle, stack="refused")
