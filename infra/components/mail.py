"""MailSender: the SES identity customer mail is sent as, and the identity ARNs functions may send as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.account import Account


@dataclass(frozen=True)
class MailSenderArgs:
    from_address: str
    domain: str
    account: Account
    verify_address: bool = True  # create the address identity: SES mails a confirmation link to it
    sandbox_recipients: Sequence[str] = ()


class MailSender(pulumi.ComponentResource):
    identity_arns: list[pulumi.Output[str]]

    def __init__(self, name: str, args: MailSenderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:MailSender", name, None, opts)
        if args.verify_address:
            aws.sesv2.EmailIdentity(
                f"{name}-sender", email_identity=args.from_address, opts=pulumi.ResourceOptions(parent=self)
            )
        # In the sandbox SES sends only to verified identities ("Moving out of the Amazon SES sandbox", SES
        # developer guide): each test recipient becomes one, and AWS mails it a link it must click before any of
        # our mail reaches it. Named by address, so reordering the list replaces nothing (and mails no one again).
        for recipient in dict.fromkeys(args.sandbox_recipients):
            if args.verify_address and recipient == args.from_address:
                continue
            aws.sesv2.EmailIdentity(
                f"{name}-recipient-{recipient}", email_identity=recipient, opts=pulumi.ResourceOptions(parent=self)
            )
        # SES authorizes SendEmail against the identity that covers the From address: the address itself or its
        # domain, whichever is verified. In the sandbox it also checks the (verified) recipients' identities.
        identities = [args.domain, args.from_address, *args.sandbox_recipients]
        self.identity_arns = [args.account.arn("ses", f"identity/{identity}") for identity in identities]
        self.register_outputs({"identityArns": self.identity_arns})
