"""`make bench`: prints the figures and writes bench-results.json (medians of repeated runs, with min and max)."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bench import coldstart, warm_api
from infra.local.cloud import start_local_cloud

RESULTS = Path("bench-results.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per handler for cold starts")
    parser.add_argument("--repeat", type=int, default=200, help="requests per warm operation")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    cloud = start_local_cloud(app_env="production")
    report: dict[str, Any] = {}
    try:
        print("Cold start (fresh process: imports + module-level setup), ms")
        print(f"  {'function':24} {'median':>8} {'min':>8} {'max':>8} {'target':>8}  met")
        starts = coldstart.measure(cloud.environment, runs=args.runs)
        for start in starts:
            target = f"{start.target_ms:.0f}" if start.target_ms else "-"
            met = {True: "yes", False: "NO", None: ""}[start.meets_target]
            print(
                f"  {start.function:24} {start.median_ms:8.1f} {min(start.runs_ms):8.1f} {max(start.runs_ms):8.1f}"
                f" {target:>8}  {met}"
            )
        report["cold_start_ms"] = [
            {
                "function": s.function,
                "handler": s.handler,
                "median": s.median_ms,
                "min": min(s.runs_ms),
                "max": max(s.runs_ms),
                "target": s.target_ms,
                "met": s.meets_target,
            }
            for s in starts
        ]

        handler = importlib.import_module("graphql_api.lambda_handler").handler
        latencies = warm_api.measure(cloud.services, handler, repeat=args.repeat)
        print("\nWarm API (API Gateway v2 event → Mangum → Strawberry → services), ms")
        print(f"  {'operation':22} {'path':18} {'p50':>8} {'p99':>8} {'req/s':>8}")
        for latency in latencies:
            print(
                f"  {latency.operation:22} {latency.path:18} {latency.p50:8.2f} {latency.p99:8.2f}"
                f" {latency.per_second:8.0f}"
            )
        by_key = {(lat.operation, lat.path): lat for lat in latencies}
        print("\nFramework overhead per cached query (p50): handler minus services, schema minus services")
        overhead = []
        for operation in ("products(first: 20)", "order(...)", "orderUpdates(...)"):
            handler_ms = by_key[(operation, "mangum handler")].p50
            schema_ms = by_key[(operation, "schema.execute")].p50
            direct_ms = by_key[(operation, "services directly")].p50
            overhead.append(
                {
                    "operation": operation,
                    "handler_minus_services_ms": handler_ms - direct_ms,
                    "schema_minus_services_ms": schema_ms - direct_ms,
                    "handler_over_services": handler_ms / direct_ms,
                }
            )
            print(
                f"  {operation:22} {handler_ms - direct_ms:8.2f} {schema_ms - direct_ms:8.2f}"
                f"   ratio {handler_ms / direct_ms:5.2f}x"
            )
        report["warm_api_ms"] = [
            {
                "operation": lat.operation,
                "path": lat.path,
                "p50": lat.p50,
                "p99": lat.p99,
                "min": min(lat.samples_ms),
                "max": max(lat.samples_ms),
                "per_second": lat.per_second,
            }
            for lat in latencies
        ]
        report["framework_overhead"] = overhead
    finally:
        cloud.stop()
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
