"""Which state machine programs the local cloud may share between executions (infra/local/moto_state_machines.py)."""

from __future__ import annotations

import json

from infra.local.moto_state_machines import shareable
from sagas.fulfillment import render
from tests.unit.test_saga_definition import ARNS


def test_the_fulfillment_saga_is_parsed_once_for_every_execution() -> None:
    assert shareable(render(ARNS, "orders"))


def test_a_definition_with_a_parallel_or_map_state_anywhere_is_parsed_per_execution() -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    parallel = {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": task}}], "End": True}
    mapped = {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": parallel}}, "End": True}
    assert not shareable(json.dumps({"StartAt": "P", "States": {"P": parallel}}))
    assert not shareable(
        json.dumps(
            {"StartAt": "M", "States": {"M": {**mapped, "ItemProcessor": {"StartAt": "T", "States": {"T": task}}}}}
        )
    )
    nested = {"Type": "Parallel", "Branches": [{"StartAt": "M", "States": {"M": mapped}}], "End": True}
    assert not shareable(json.dumps({"StartAt": "N", "States": {"N": nested}}))
    assert shareable(json.dumps({"StartAt": "T", "States": {"T": task}}))
    assert not shareable("not json")
