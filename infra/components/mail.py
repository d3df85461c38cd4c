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
        # SES authorizes SendEmail against the identity that covers the From address: the address itself or its
        # domain, whichever is verified. In the sandbox it also checks the (verified) recipients' identities.
        identities = [args.domain, args.from_address, *args.sandbox_recipients]
        self.identity_arns = [args.account.arn("ses", f"identity/{identity}") for identity in identities]
        self.register_outputs({"identityArns": self.identity_arns})
