"""The description's secrets, created in moto's Secrets Manager with local, obviously fake values."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher

from infra.deployment import Deployment

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

# The one admin of the local system. Documented in the README and docs/develop.md; never valid anywhere else.
LOCAL_ADMIN_USERNAME = "admin"
LOCAL_ADMIN_PASSWORD = "admin-dev-password"  # noqa: S105 - the documented local development password

LOCAL_VALUES: dict[str, dict[str, Any]] = {
    "stripe": {
        "secret_key": "sk_test_local_fake",
        "webhook_secret": "whsec_local_fake_not_a_secret",
        "webhook_secret_previous": "",
    },
    "app-keys": {
        "order_token_key": "local-order-token-key-not-a-secret",
        "jwt_signing_key": "local-jwt-signing-key-not-a-secret-0123456789",
        "jwt_signing_key_previous": "",
    },
    # The local server serves the API itself, with no CloudFront in front: it never checks this. Only a Lambda
    # handler called with an API Gateway event (tests, benchmarks) does; their events carry it as CloudFront's do.
    "edge": {"origin_secret": "local-origin-secret-not-a-secret", "origin_secret_previous": ""},
}


def local_secret_values() -> dict[str, dict[str, Any]]:
    admin = {"username": LOCAL_ADMIN_USERNAME, "password_hash": PasswordHasher().hash(LOCAL_ADMIN_PASSWORD)}
    return {**LOCAL_VALUES, "admin-users": {"users": [admin]}}


def create_secrets(client: SecretsManagerClient, deployment: Deployment, prefix: str) -> dict[str, str]:
    """Create every described secret; returns the environment variables naming them (as Pulumi sets them)."""
    values = local_secret_values()
    environment = {}
    for secret in deployment.secrets:
        created = client.create_secret(
            Name=f"{prefix}/{secret.name}", Description=secret.description, SecretString=json.dumps(values[secret.name])
        )
        environment[secret.env_var] = created["ARN"]
    return environment
