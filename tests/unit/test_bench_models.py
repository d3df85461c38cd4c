"""The small models behind `make bench`: the SPA's polls, Step Functions transitions, hot-SKU arithmetic, parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.coldstart import package_import_times
from bench.executions import transitions_from_history
from bench.http_meter import operation_name
from bench.spa import PollSchedule, polls_until_terminal, read_schedule
from bench.stripe_calls import call_name

SPA = PollSchedule(fast_interval_s=1, fast_window_s=30, interval_s=5)


@pytest.mark.parametrize(("seconds", "polls"), [(0.4, 1), (1.0, 1), (1.2, 2), (29.5, 30), (31, 31), (36, 32)])
def test_the_order_page_polls_every_second_for_30_s_then_every_5_s_until_terminal(seconds: float, polls: int) -> None:
    assert polls_until_terminal(seconds, SPA) == polls


def test_the_poll_schedule_is_read_from_the_web_app(tmp_path: Path) -> None:
    source = tmp_path / "poll-schedule.ts"
    source.write_text(
        "export const DEFAULT_INTERVAL_MS = 4_000;\nexport const FAST_INTERVAL_MS = 500;\n"
        "export const FAST_WINDOW_MS = 20_000;\n"
    )

    assert read_schedule(source) == PollSchedule(fast_interval_s=0.5, fast_window_s=20, interval_s=4)


def test_a_poll_schedule_that_moved_is_an_error_not_a_guess(tmp_path: Path) -> None:
    source = tmp_path / "poll-schedule.ts"
    source.write_text("export const SOMETHING_ELSE = 1;\n")

    with pytest.raises(ValueError, match="FAST_INTERVAL_MS"):
        read_schedule(source)


def test_a_state_transition_is_counted_per_state_entered_and_per_retry() -> None:
    happy = ["ExecutionStarted"] + ["TaskStateEntered", "TaskScheduled", "TaskSucceeded", "TaskStateExited"] * 5
    retried = ["TaskStateEntered", "TaskScheduled", "TaskFailed", "TaskScheduled", "TaskSucceeded", "PassStateEntered"]

    assert transitions_from_history(happy) == (5, 0)
    assert transitions_from_history(retried) == (2, 1)


def test_import_times_are_summed_per_top_level_package() -> None:
    output = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:      1200 |       1200 |   botocore.utils\n"
        "import time:       800 |       2000 | botocore\n"
        "import time:       300 |        300 | commerce.money\n"
    )

    assert package_import_times(output) == [("botocore", 2.0), ("commerce", 0.3)]


def test_stripe_calls_are_named_without_their_object_ids() -> None:
    url = "http://127.0.0.1:8420/v1/payment_intents/pi_3NqAbC9x/capture"

    assert call_name("post", url) == "POST /v1/payment_intents/{id}/capture"
    assert call_name("get", "http://x/v1/payment_intents") == "GET /v1/payment_intents"


def test_graphql_requests_are_named_by_their_operation() -> None:
    assert operation_name(b'{"query": "mutation Pay($id: ID!) { payOrder(orderId: $id) { outcome } }"}') == "Pay"
    assert operation_name(b'{"query": "{ products(first: 2) { edges { cursor } } }"}') == "products"
    assert operation_name(b'{"operationName": "Named", "query": "query A { a } query Named { b }"}') == "Named"
