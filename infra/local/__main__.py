"""`python -m infra.local`: the whole system on this machine (what `make dev` runs)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from infra.local.cloud import start_local_cloud


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the order-fulfillment system on local stand-ins.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("LOCAL_AWS_PORT", "5000")))
    parser.add_argument("--stripe-port", type=int, default=int(os.environ.get("LOCAL_STRIPE_PORT", "8420")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-5s %(name)s: %(message)s")
    for noisy in ("botocore", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    cloud = start_local_cloud(aws_port=args.aws_port, stripe_port=args.stripe_port, http_port=args.port, host=args.host)
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
                f"  Local AWS (moto)        {cloud.aws.endpoint_url}",
                f"    inspect it with       aws --endpoint-url {cloud.aws.endpoint_url} dynamodb list-tables",
                f"  Local Stripe            {cloud.stripe.api_base}   (Stripe.js: {cloud.stripe.js_url})",
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
