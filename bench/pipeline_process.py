"""One pipeline run on a fresh local cloud, in a process of its own; writes its summary as JSON.

A fresh process per run, so that every run starts from the same empty tables, and because one process hosts one
local cloud (its environment is the process's).
`python -m bench.pipeline_process --orders 30 --shoppers 6 --out run.json`
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bench.cost import express_memory_mb
from bench.meter import Meter
from bench.order_watch import unmetered_session
from bench.pipeline import run_pipeline
from bench.pipeline_summary import summarize
from bench.request_samples import page_view_usage, poll_usage
from infra.local.cloud import start_local_cloud

# An execution's data is the order id and each step's small result: a few KB at most.
EXECUTION_DATA_BYTES = 4096


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--shoppers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="sample every thread's stack during the run")
    parser.add_argument("--one-at-a-time", action="store_true", help="each order finishes before the next starts")
    parser.add_argument("--request-samples", type=int, default=0, help="also meter this many polls and page views")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    meter = Meter(count_logs=True)
    meter.install()
    cloud = start_local_cloud(app_env="production")
    try:
        meter.attach(cloud)
        run = run_pipeline(
            cloud,
            meter,
            orders=args.orders,
            shoppers=args.shoppers,
            seed=args.seed,
            profile=args.profile,
            one_at_a_time=args.one_at_a_time,
        )
        poll = page_view = None
        if args.request_samples:
            poll = poll_usage(cloud, meter, run.placed[0], args.request_samples)
            page_view = page_view_usage(cloud, meter, args.request_samples)
        sfn = unmetered_session().client("stepfunctions")
        definition = sfn.describe_state_machine(stateMachineArn=cloud.state_machine_arn)["definition"]
        memory = express_memory_mb(len(definition.encode()), EXECUTION_DATA_BYTES)
        summary = summarize(run, express_memory_mb=memory, poll=poll, page_view=page_view)
    finally:
        cloud.stop()
        meter.uninstall()
    args.out.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
