"""The AWS partition, region and account the stack deploys to, and the ARNs of resources named in advance."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class Account:
    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    id: pulumi.Output[str]

    @classmethod
    def current(cls, opts: pulumi.InvokeOutputOptions | None = None) -> Account:
        return cls(
            partition=aws.get_partition_output(opts=opts).partition,
            region=aws.get_region_output(opts=opts).region,
            id=aws.get_caller_identity_output(opts=opts).account_id,
        )

    def arn(self, service: str, resource: str) -> pulumi.Output[str]:
        """The ARN of a regional resource of this account, e.g. ("states", "stateMachine:shop-fulfillment")."""
        return pulumi.Output.concat("arn:", self.partition, ":", service, ":", self.region, ":", self.id, ":", resource)
