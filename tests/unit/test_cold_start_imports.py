"""A Lambda pays at cold start for every module its handler imports: heavy libraries load only where, and when,
a path needs them (bench/coldstart.py measures the time; this guards what is loaded)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.coldstart import in_fresh_interpreter
from infra.deployment import DEPLOYMENT, Function
from infra.local.tables import table_environment

# Loaded on first use by every function: Stripe by the gateway, X-Ray only when tracing is on.
NEVER_AT_INIT = {"stripe", "aws_xray_sdk", "moto", "pulumi"}
# Only the GraphQL API serves admins and GraphQL.
API_ONLY = {"strawberry", "graphql", "mangum", "jwt", "argon2"}

_PROBE = """
import importlib, json, sys
module, _, attribute = sys.argv[1].rpartition(".")
getattr(importlib.import_module(module), attribute)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


# What Lambda's configuration gives every function (the API builds its app at init from it); nothing is called.
ENVIRONMENT = {
    **os.environ,
    **table_environment(DEPLOYMENT, "probe"),
    "EVENT_BUS_NAME": DEPLOYMENT.bus_name,
    "AWS_DEFAULT_REGION": "us-east-1",
}


def loaded_at_init(function: Function) -> set[str]:
    return set(json.loads(in_fresh_interpreter(_PROBE, function.handler, ENVIRONMENT)))


@pytest.fixture(scope="module")
def loaded() -> dict[str, set[str]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(
            zip((f.name for f in DEPLOYMENT.functions), pool.map(loaded_at_init, DEPLOYMENT.functions), strict=True)
        )


@pytest.mark.parametrize("function", [f.name for f in DEPLOYMENT.functions])
def test_a_handler_loads_only_the_heavy_libraries_its_path_needs(function: str, loaded: dict[str, set[str]]) -> None:
    forbidden = NEVER_AT_INIT | (set() if function == "api" else API_ONLY)
    assert not loaded[function] & forbidden, f"{function} imports {sorted(loaded[function] & forbidden)} at init"


def test_the_api_does_load_graphql_at_init_so_the_probe_sees_what_a_handler_imports(
    loaded: dict[str, set[str]],
) -> None:
    assert {"strawberry", "mangum"} <= loaded["api"]
