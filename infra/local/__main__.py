"""`python -m infra.local`: the whole system on this machine (what `make dev` runs)."""

from __future__ import annotations

import argparse
import logging
import os

import uvicorn

from infra.local.cloud import start_local_cloud
from infra.local.server import local_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the order-fulfillment system on local stand-ins.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("LOCAL_AWS_PORT", "5000")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-5s %(name)s: %(message)s")

    cloud = start_local_cloud(aws_port=args.aws_port)
    base = f"http://{args.host}:{args.port}"
    print(
        "\n".join(
            [
                "",
                "  Order fulfillment, running locally",
                f"  GraphQL API + GraphiQL  {base}/graphql",
                f"  Health                  {base}/health",
                f"  Local AWS (moto)        {cloud.aws.endpoint_url}",
                f"    inspect it with       aws --endpoint-url {cloud.aws.endpoint_url} dynamodb list-tables",
                "  Ctrl-C stops everything.",
                "",
            ]
        ),
        flush=True,
    )
    try:
        uvicorn.run(local_app(cloud.services), host=args.host, port=args.port, log_level="warning")
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
