"""`make bench`: the figures a user of this system cares about, measured on the local cloud.

Prints a table per figure and writes bench-results.json: cold starts, the warm API, the order pipeline (throughput,
latency, where the CPU goes), the cost per million orders on AWS (Standard and Express workflows), and the hot SKU.
Figures of repeated runs are medians with min and max. Other work on the machine slows everything down: the
pipeline tables say how busy the machine was.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import pipelines
from bench.report import emit
from bench.tables_cost import show_cost
from bench.tables_local import show_coldstart, show_hot_sku, show_warm_api
from bench.tables_pipeline import show_pipeline
from infra.local.cloud import start_local_cloud

RESULTS = Path("bench-results.json")
SECTIONS = ("coldstart", "warm", "pipeline", "cost", "hot-sku")
DEFAULT_STOCK_ITEM_BYTES = 100  # when no cost run measured the inventory items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated sections to run, of: {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per handler for cold starts")
    parser.add_argument("--repeat", type=int, default=100, help="requests per warm API operation")
    parser.add_argument("--orders", type=int, default=24, help="orders per loaded pipeline run")
    parser.add_argument("--shoppers", type=int, default=6, help="concurrent shoppers in a loaded pipeline run")
    parser.add_argument("--pipeline-runs", type=int, default=3, help="loaded pipeline runs, each on a fresh cloud")
    parser.add_argument("--cost-orders", type=int, default=10, help="orders placed one at a time for the cost model")
    parser.add_argument("--request-samples", type=int, default=10, help="polls and page views metered for the cost")
    parser.add_argument("--profile", action="store_true", help="one more loaded run with a stack sampler")
    parser.add_argument("--hot-sku-stock", type=int, default=120, help="units of the hot product")
    parser.add_argument("--hot-sku-holders", type=int, default=150, help="shoppers holding one unit each")
    parser.add_argument("--hot-sku-threads", type=int, default=8, help="shoppers holding at once")
    args = parser.parse_args(argv)
    chosen = set(args.only.split(",")) if args.only else set(SECTIONS)
    if unknown := chosen - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.ERROR)
    with open(os.devnull, "w") as silence, redirect_stdout(silence):
        report = run(chosen, args)
    RESULTS.write_text(json.dumps(report, indent=2, default=str))
    emit(f"\nwrote {RESULTS}")
    return 0


def run(chosen: set[str], args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"machine": machine(), "started_at": datetime.now(UTC).isoformat()}
    seconds: dict[str, float] = report.setdefault("section_seconds", {})
    started = time.monotonic()

    def lap(section: str) -> None:
        nonlocal started
        seconds[section] = round(time.monotonic() - started, 1)
        started = time.monotonic()

    stock_item_bytes = DEFAULT_STOCK_ITEM_BYTES
    if chosen & {"pipeline", "cost"}:
        print("… pipeline runs, each in a process of its own on a fresh local cloud", file=sys.stderr, flush=True)
        results = pipelines.measure(
            orders=args.orders,
            shoppers=args.shoppers,
            runs=args.pipeline_runs if "pipeline" in chosen else 0,
            cost_orders=args.cost_orders,
            request_samples=args.request_samples,
            profile=args.profile and "pipeline" in chosen,
        )
        if "pipeline" in chosen:
            report["pipeline"] = show_pipeline(results)
        if "cost" in chosen:
            report["cost"] = show_cost(results.one_at_a_time)
        inventory = results.one_at_a_time["dynamodb_tables"].get("inventory", {})
        stock_item_bytes = round(inventory.get("mean_item_bytes") or DEFAULT_STOCK_ITEM_BYTES)
        lap("pipeline and cost")

    if chosen & {"coldstart", "warm", "hot-sku"}:
        print("… starting a local cloud for cold starts, the warm API and the hot SKU", file=sys.stderr, flush=True)
        cloud = start_local_cloud(app_env="production")
        lap("local cloud start")
        try:
            if "coldstart" in chosen:
                report["cold_start_ms"] = show_coldstart(cloud, args.runs)
                lap("coldstart")
            if "warm" in chosen:
                report["warm_api"] = show_warm_api(cloud, args.repeat)
                lap("warm")
            if "hot-sku" in chosen:
                report["hot_sku"] = show_hot_sku(
                    cloud,
                    stock=args.hot_sku_stock,
                    holders=args.hot_sku_holders,
                    threads=args.hot_sku_threads,
                    item_bytes=stock_item_bytes,
                )
                lap("hot-sku")
        finally:
            cloud.stop()

    report["finished_at"] = datetime.now(UTC).isoformat()
    report["machine"]["load_average_at_end"] = os.getloadavg()
    return report


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


if __name__ == "__main__":
    sys.exit(main())
