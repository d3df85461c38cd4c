"""`make proof`: what the system survives, with figures. Prints a table and writes proof-results.json.

The same scenarios run in `make test` at smaller sizes (tests/proof/test_*.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from infra.local.cloud import LocalCloud, start_local_cloud
from tests.interleaving.run import run_interleavings
from tests.proof.authorization import run_authorization
from tests.proof.contention import run_contention
from tests.proof.faults import run_fault_matrix
from tests.proof.flash_sale import run_flash_sale
from tests.proof.graphql_abuse import run_graphql_abuse
from tests.proof.graphql_fuzz import run_graphql_fuzz
from tests.proof.restart import run_restart
from tests.proof.stateful import run_stateful
from tests.proof.webhook_chaos import run_webhook_chaos

RESULTS = Path("proof-results.json")


@dataclass
class Row:
    scenario: str
    runs: int
    passed: bool
    figures: dict[str, Any]
    violations: list[str]
    seconds: float


def scenarios() -> list[tuple[str, Callable[[LocalCloud], Any]]]:
    return [
        (
            "no oversell: one SKU, 50 units over 3 warehouses",
            lambda c: run_contention(c, shoppers=200, units=(17, 17, 16)),
        ),
        (
            "no oversell: random baskets over 4 SKUs",
            lambda c: run_contention(c, shoppers=120, units=(5, 5, 5), basket_skus=4),
        ),
        (
            "flash sale: one SKU, 60 units in one warehouse, unsplit",
            lambda c: run_flash_sale(c, shoppers=200, units=60),
        ),
        (
            "flash sale: 60 units split over 12 shards before the rush, 2 per order",
            lambda c: run_flash_sale(c, shoppers=200, units=60, shards=12, quantity=2),
        ),
        (
            "flash sale: holds lapse mid-run (slow 3-D Secure), unsplit",
            lambda c: run_flash_sale(c, shoppers=200, units=60, slow_3ds=12),
        ),
        (
            "flash sale: holds lapse mid-run (slow 3-D Secure) on 12 shards",
            lambda c: run_flash_sale(c, shoppers=200, units=60, shards=12, slow_3ds=12),
        ),
        (
            # 8: the crowd's holds on one unsplit item peak at ~22 units a second unthrottled, on any of 12 shards at 6
            "flash sale: an unplanned rush on an unsplit item, stock partitions throttled to 8 write units a second",
            lambda c: run_flash_sale(c, shoppers=200, units=60, throttle=8),
        ),
        (
            "flash sale: a hoarder with declining cards in the crowd",
            lambda c: run_flash_sale(c, shoppers=200, units=60, hoarder_orders=20),
        ),
        ("webhooks 1-5x shuffled with forged ones", lambda c: run_webhook_chaos(c, orders=20)),
        ("faults at every step and at the compensation", run_fault_matrix),
        (
            "stateful: any order of shop, saga, webhooks, admin, time",
            lambda c: run_stateful(c, examples=20, steps=40, explore=True),
        ),
        ("GraphQL abuse in the production configuration", run_graphql_abuse),
        ("GraphQL fuzzing: generated operations", lambda c: run_graphql_fuzz(c, operations=600)),
        ("authorization: admin fields x bad credentials", run_authorization),
        ("restart in the middle of sagas", lambda c: run_restart(orders=28)),
        ("every interleaving of two operations, preemption bound 3", lambda c: run_interleavings(bound=3)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run scenarios whose name contains this text")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    cloud = start_local_cloud(app_env="test")
    rows: list[Row] = []
    try:
        for name, run in scenarios():
            if args.only and args.only not in name:
                continue
            print(f"… {name}", flush=True)
            started = time.monotonic()
            result = run(cloud)
            # vars(), not asdict(): asdict rebuilds a Counter from its (key, count) pairs, counting the pairs.
            figures = {
                key: dict(value) if isinstance(value, Counter) else value
                for key, value in vars(result).items()
                if key not in {"violations", "seconds", "explorations"}
            }
            rows.append(
                Row(name, 1, result.passed, figures, result.violations[:20], round(time.monotonic() - started, 1))
            )
    finally:
        cloud.stop()
    width = max(len(row.scenario) for row in rows)
    print(f"\n{'scenario'.ljust(width)}  runs  passed  seconds  figures")
    for row in rows:
        shown = ", ".join(f"{key}={_short(value)}" for key, value in row.figures.items())
        verdict = "yes" if row.passed else "NO"
        print(f"{row.scenario.ljust(width)}  {row.runs:>4}  {verdict:>6}  {row.seconds:>7}  {shown}")
        for violation in row.violations:
            print(f"{'':{width}}  ! {violation}")
    RESULTS.write_text(json.dumps([asdict(row) for row in rows], indent=2, default=str))
    print(f"\nwrote {RESULTS}")
    return 0 if all(row.passed for row in rows) else 1


def _short(value: Any) -> Any:
    """A long breakdown (every rule a stateful run took) is for the JSON file; the table says how long it is."""
    if isinstance(value, dict) and len(value) > 6:
        return f"({len(value)} kinds, in {RESULTS})"
    return value


if __name__ == "__main__":
    sys.exit(main())
