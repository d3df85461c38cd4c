"""The deployed state machine passes `asl-validator`, the Amazon States Language validator (frontend/package.json)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infra.program import ROOT, Program

APP = "fulfillment-test"
VALIDATOR = ROOT / "frontend" / "node_modules" / ".bin" / "asl-validator"


def validate(definition: str, directory: Path) -> subprocess.CompletedProcess[str]:
    if not VALIDATOR.exists():
        pytest.skip(f"{VALIDATOR} is missing: run `npm ci` in frontend/ (`make test` does)")
    path = directory / "definition.asl.json"
    path.write_text(definition)
    return subprocess.run(  # noqa: S603 (our own pinned dev dependency, our own file)
        [str(VALIDATOR), "--json-path", str(path)], capture_output=True, text=True, check=False, timeout=60
    )


def test_the_deployed_saga_definition_is_valid_amazon_states_language(program: Program, tmp_path: Path) -> None:
    definition = program.one("aws:sfn/stateMachine:StateMachine", f"{APP}-fulfillment").inputs["definition"]
    checked = validate(definition, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_validator_refuses_a_state_that_leads_nowhere(program: Program, tmp_path: Path) -> None:
    """The check above can fail: the same definition with one transition to a state that does not exist."""
    machine: dict[str, Any] = json.loads(
        program.one("aws:sfn/stateMachine:StateMachine", f"{APP}-fulfillment").inputs["definition"]
    )
    machine["States"]["CapturePayment"]["Next"] = "Shipped"
    checked = validate(json.dumps(machine), tmp_path)
    assert checked.returncode != 0 and "Shipped" in checked.stdout + checked.stderr
