"""The operator's smoke test (`make smoke`, infra/smoke.py) run as is against the local system: it cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from infra.local.secrets import LOCAL_ADMIN_PASSWORD, LOCAL_ADMIN_USERNAME, LOCAL_VALUES
from infra.smoke import STRIPE_API, Smoke, Target
from tests.integration.running_system import ROOT, RunningSystem, running_local_system


@pytest.fixture(scope="module")
def system() -> Iterator[RunningSystem]:
    with running_local_system() as running:
        yield running


def smoke(system: RunningSystem, **environment: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "infra.smoke", "--api", system.base_url, "--timeout", "90"]
    command += ["--stripe-api-base", system.stripe_api_base]
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_smoke_test_passes_against_a_working_stack(system: RunningSystem) -> None:
    run = smoke(
        system,
        STRIPE_SECRET_KEY=str(LOCAL_VALUES["stripe"]["secret_key"]),
        ADMIN_USERNAME=LOCAL_ADMIN_USERNAME,
        ADMIN_PASSWORD=LOCAL_ADMIN_PASSWORD,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines if line.startswith("ok")] == ["ok"] * 3, run.stdout
    assert any("fulfilled" in line for line in lines)
    assert any("paid with a PaymentMethod pm_" in line for line in lines), run.stdout
    assert any("cancelled the authorization" in line or "refunded the capture" in line for line in lines)
    assert any("unsigned webhook was refused with 400" in line for line in lines)


def test_the_smoke_test_fails_and_says_why_when_the_admin_cannot_log_in(system: RunningSystem) -> None:
    run = smoke(
        system,
        STRIPE_SECRET_KEY=str(LOCAL_VALUES["stripe"]["secret_key"]),
        ADMIN_USERNAME="smoke-nobody",
        ADMIN_PASSWORD="not-the-password",
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAILED  admin login refused" in run.stdout
    assert "ok  an order was placed" in run.stdout  # the shopper's half ran before the admin's was refused


def test_on_stripe_the_smoke_test_pays_with_stripes_documented_test_payment_method() -> None:
    target = Target("http://127.0.0.1:9", "sk_test_x", STRIPE_API, "admin", "x", 1.0)

    assert Smoke(target).payment_method() == "pm_card_visa"


def test_the_smoke_test_refuses_a_live_stripe_key() -> None:
    command = [sys.executable, "-m", "infra.smoke", "--api", "http://127.0.0.1:9"]
    env = {**os.environ, "STRIPE_SECRET_KEY": "sk_live_not_a_real_key", "ADMIN_PASSWORD": "x"}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert run.returncode == 2 and "test-mode key" in run.stderr
