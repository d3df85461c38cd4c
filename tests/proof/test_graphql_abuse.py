from __future__ import annotations

from infra.local.cloud import LocalCloud
from tests.proof.authorization import run_authorization
from tests.proof.graphql_abuse import run_graphql_abuse
from tests.proof.graphql_fuzz import run_graphql_fuzz


def test_limits_batching_page_sizes_introspection_masking_and_shopper_inputs_hold_in_production(
    local_cloud: LocalCloud,
) -> None:
    result = run_graphql_abuse(local_cloud)
    assert result.violations == []
    assert len(result.checks) == 13 and all(result.checks.values())


def test_generated_operations_never_get_a_server_error_or_reach_an_unhandled_exception(local_cloud: LocalCloud) -> None:
    result = run_graphql_fuzz(local_cloud, operations=80)  # `make proof` sends 600
    assert result.violations == []
    assert result.operations == 80 and result.unhandled == 0
    assert result.as_admin > 0 and result.with_a_schema_violation > 0 and result.answered_with_data > 0


def test_every_admin_field_refuses_every_bad_credential_and_a_wrong_order_token_looks_like_no_order(
    local_cloud: LocalCloud,
) -> None:
    result = run_authorization(local_cloud)
    assert result.violations == []
    assert result.admin_fields >= 13, "the admin fields are read from the schema: none may go missing"
    assert result.cells == result.admin_fields * 7
    assert result.lookups_compared == 3 * 4  # order, orderUpdates, payOrder; four wrong ways each
