"""`python -m infra.local`: the whole system on this machine (what `make dev` runs)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from infra.local.cloud import start_local_cloud
from infra.local.console import use_console
from infra.local.state_dir import StateDir, StateDirInUseError


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the order-fulfillment system on local stand-ins.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("LOCAL_AWS_PORT", "5000")))
    parser.add_argument("--stripe-port", type=int, default=int(os.environ.get("LOCAL_STRIPE_PORT", "8420")))
    parser.add_argument(
        "--state-dir",
        default=os.environ.get("LOCAL_STATE_DIR"),
        help="keep the tables and Stripe's objects here across restarts (`make dev`: .local/state); "
        "without it every start is fresh and nothing is kept",
    )
    parser.add_argument("--fresh", action="store_true", help="forget what --state-dir holds and start from the seed")
    args = parser.parse_args()
    use_console(logging.INFO)  # a line per request and per saga step; the Lambdas on AWS log the same as JSON
    for noisy in ("botocore", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    state = StateDir(args.state_dir) if args.state_dir else None
    try:
        if state is not None and args.fresh:
            state.acquire().discard()  # held until the cloud takes it over below
        cloud = start_local_cloud(
            aws_port=args.aws_port, stripe_port=args.stripe_port, http_port=args.port, host=args.host, state=state
        )
    except StateDirInUseError as exc:
        parser.exit(1, f"{exc}\n")
    cloud.run_schedules()
    base = f"http://{args.host}:{args.port}"
    print(
        "\n".join(
            [
                "",
                "  Order fulfillment, running locally",
                f"  GraphQL API + GraphiQL  {base}/graphql",
                f"  Stripe webhook          {base}/webhooks/stripe",
                f"  Sent email (SES)        {base}/_local/mail",
                f"  Traces, metrics         {base}/_local/traces   {base}/_local/metrics",
                f"  Local AWS (moto)        {cloud.aws.endpoint_url}",
                f"    inspect it with       aws --endpoint-url {cloud.aws.endpoint_url} dynamodb list-tables",
                f"  Local Stripe            {cloud.stripe.api_base}   (Stripe.js: {cloud.stripe.js_url})",
                f"  State kept in           {state.path}/ (--fresh starts over)" if state else "  Nothing is kept.",
                "  Ctrl-C stops everything.",
                "",
            ]
        ),
        flush=True,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("\n  stopping…", flush=True)
        cloud.stop()


if __name__ == "__main__":
    main()
