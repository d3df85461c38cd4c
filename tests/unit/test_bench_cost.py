"""The cost model of `make bench`: list prices times what one order uses."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bench.cost import PRICES, CostLine, cost_table, express_gb_seconds, express_memory_mb
from bench.usage_model import FunctionUse, OrderUsage


def cost_of(lines: Sequence[CostLine], item: str) -> float:
    return next(line.usd_per_million_orders for line in lines if line.item == item)


def test_a_standard_workflow_pays_25_dollars_per_million_transitions() -> None:
    table = cost_table(OrderUsage(transitions=6), "STANDARD")

    assert cost_of(table.lines, "Step Functions Standard transitions") == pytest.approx(150.0)
    assert all("Express" not in line.item for line in table.lines)


def test_an_express_workflow_pays_per_execution_and_per_billed_gb_second_instead_of_transitions() -> None:
    usage = OrderUsage(transitions=6, executions=1, express_gb_seconds=express_gb_seconds(1.25))

    table = cost_table(usage, "EXPRESS")

    assert cost_of(table.lines, "Step Functions Express executions") == pytest.approx(1.0)
    # 1.25 s bills as 1.3 s, 50 MB as one 64 MB chunk: 1.3 x 0.0625 GB-s at $0.00001667, a million times.
    assert cost_of(table.lines, "Step Functions Express duration") == pytest.approx(1.3 * 0.0625 * 16.67)
    assert all("Standard" not in line.item for line in table.lines)


def test_express_duration_is_billed_up_to_the_next_100_ms_and_memory_up_to_the_next_64_mb() -> None:
    assert express_gb_seconds(0.1) == pytest.approx(0.1 * 64 / 1024)
    assert express_gb_seconds(0.101) == pytest.approx(0.2 * 64 / 1024)
    assert express_gb_seconds(0.1, memory_mb=65) == pytest.approx(0.1 * 128 / 1024)
    assert express_memory_mb(definition_bytes=9_000, data_bytes=4_000) == pytest.approx(50.013)


def test_request_units_and_lambda_are_priced_per_unit_and_per_gb_second_of_configured_memory() -> None:
    usage = OrderUsage(
        read_units=8,
        write_units=40,
        functions=(FunctionUse("api", invocations=4, billed_ms=400, memory_mb=1024),),
    )

    lines = cost_table(usage, "EXPRESS").lines

    assert cost_of(lines, "DynamoDB writes") == pytest.approx(40 * 0.625)
    assert cost_of(lines, "DynamoDB reads") == pytest.approx(8 * 0.125)
    assert cost_of(lines, "Lambda requests") == pytest.approx(4 * 0.20)
    assert cost_of(lines, "Lambda compute") == pytest.approx(0.4 * 1.0 * PRICES["lambda_arm_gb_second"].usd * 1e6)


def test_emails_are_shown_but_left_out_of_the_target_total() -> None:
    table = cost_table(OrderUsage(emails=2, http_api_requests=3), "EXPRESS")

    assert cost_of(table.lines, "SES emails") == pytest.approx(200.0)
    assert table.total - table.target_total == pytest.approx(200.0)
    assert table.target_total == pytest.approx(3.0)


def test_adding_the_polls_of_an_order_scales_their_usage_and_merges_the_same_function() -> None:
    order = OrderUsage(read_units=10, functions=(FunctionUse("api", 3, 300, 1024),), http_api_requests=3)
    poll = OrderUsage(read_units=1.5, functions=(FunctionUse("api", 1, 40, 1024),), http_api_requests=1)

    total = order.plus(poll, times=2)

    assert total.read_units == pytest.approx(13)
    assert total.http_api_requests == pytest.approx(5)
    assert total.functions == (FunctionUse("api", 5, 380, 1024),)


def test_usage_survives_its_json_form() -> None:
    usage = OrderUsage(read_units=1.5, functions=(FunctionUse("api", 1, 40, 1024),), log_bytes=900)

    assert OrderUsage.from_json(usage.as_json()) == usage
