"""Secrets: one Secrets Manager secret per described secret, its JSON value from Pulumi config secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.deployment import Secret


@dataclass(frozen=True)
class SecretsArgs:
    secrets: Sequence[Secret]
    values: Mapping[str, Mapping[str, pulumi.Input[Any]]]  # secret name → field → value
    recovery_window_days: int = 7  # 0 deletes at once: a stack can be destroyed and recreated under the same names


class Secrets(pulumi.ComponentResource):
    secrets: dict[str, aws.secretsmanager.Secret]

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fulfillment:index:Secrets", name, None, opts)
        _check_values(args)
        self.secrets = {}
        for secret in args.secrets:
            resource = aws.secretsmanager.Secret(
                f"{name}-{secret.name}",
                description=secret.description,
                recovery_window_in_days=args.recovery_window_days,
                opts=pulumi.ResourceOptions(parent=self),
            )
            value = {field: args.values[secret.name][field] for field in secret.fields}
            secret_string: pulumi.Output[str] = pulumi.Output.secret(pulumi.Output.json_dumps(value))
            aws.secretsmanager.SecretVersion(
                f"{name}-{secret.name}",
                secret_id=resource.id,
                secret_string=secret_string,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.secrets[secret.name] = resource
        self.register_outputs({name: secret.arn for name, secret in self.secrets.items()})

    @property
    def arns(self) -> dict[str, pulumi.Output[str]]:
        return {name: secret.arn for name, secret in self.secrets.items()}


def _check_values(args: SecretsArgs) -> None:
    """A secret added to the description without a configured value fails the preview, naming what is missing."""
    for secret in args.secrets:
        missing = sorted(set(secret.fields) - set(args.values.get(secret.name, {})))
        if missing:
            raise ValueError(f"secret {secret.name!r} has no configured value for {missing} (see infra/config.py)")
