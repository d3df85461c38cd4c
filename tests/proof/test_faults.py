from __future__ import annotations

from infra.local.cloud import LocalCloud
from tests.proof.faults import run_fault_matrix, sample_cases


def test_every_step_and_the_compensation_survive_exceptions_timeouts_and_throttling(local_cloud: LocalCloud) -> None:
    cases = sample_cases()  # `make proof` runs all 36 combinations
    result = run_fault_matrix(local_cloud, cases)
    assert result.violations == []
    assert sum(result.outcomes.values()) == len(cases) == 12
    assert result.injected, "no fault was injected: the matrix proved nothing"
