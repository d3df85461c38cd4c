"""The Order aggregate is the only way an order changes, and each status group is written once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [ROOT / "commerce", ROOT / "graphql_api", ROOT / "handlers", ROOT / "sagas"]
# The aggregate's own modules: the class and its rules per phase.
AGGREGATE = {"orders.py", "order_paying.py", "order_reversals.py", "order_fulfilling.py", "order_undoing.py"}


def _product_sources() -> list[Path]:
    return [path for folder in PRODUCT for path in folder.rglob("*.py")]


def test_only_the_aggregate_moves_an_order_to_another_status_or_payment() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _product_sources()
        if not (path.parent.name == "commerce" and path.name in AGGREGATE)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(transitioned|revised)\(|replace\((order|current)\b.*\b(status|payment|compensation)=", line)
    ]
    assert offenders == [], f"an order changed outside its aggregate: {offenders}"


def test_no_module_declares_its_own_group_of_order_statuses() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _product_sources()
        if path.name != "order_status.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"frozenset\(\{\s*(_S|OrderStatus)\.", line)
    ]
    assert offenders == [], f"a status group declared outside commerce/order_status.py: {offenders}"


def test_no_product_code_writes_a_payment_state_or_event_kind_as_a_bare_string() -> None:
    kinds = r"(PAYMENT_[A-Z_]+|STEP_[A-Z]+|COMPENSATION_[A-Z]+|INVENTORY_[A-Z]+|ORDER_PLACED|CUSTOMER_NOTIFIED)"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _product_sources()
        if path.name not in {"timeline.py", "order_payment.py"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(
            rf'(status=|OrderEvent\.new\([^)]*)"{kinds}"|status=\"(AUTHORIZED|CAPTURED|REFUNDED|DECLINED)\"', line
        )
    ]
    assert offenders == [], f"write the enum instead: {offenders}"
