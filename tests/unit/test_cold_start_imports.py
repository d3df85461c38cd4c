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

# Loaded on first use by every function: Stripe by the gateway, X-Ray only when tracing is on, PyJWT and argon2
# when an admin's token is checked or an admin logs in (the API; shoppers' requests never need them).
NEVER_AT_INIT = {"stripe", "aws_xray_sdk", "moto", "pulumi", "jwt", "cryptography", "argon2"}
# Only the GraphQL API serves GraphQL.
API_ONLY = {"strawberry", "graphql", "mangum"}

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


# The first message builds what its handlers name: that is cold start too, and must not drag in other paths.
_WIRING_PROBE = """
import importlib, json, sys
module, _, attribute = sys.argv[1].rpartition(".")
handler_module = importlib.import_module(module)
getattr(handler_module, attribute)
import commerce.commands, commerce.events
for name in {messages}:
    handler_module.bus.handlers_of(getattr(commerce.commands, name, None) or getattr(commerce.events, name))
print(json.dumps(sorted(sys.modules)))
"""

ADMIN_DESK = {
    "commerce.admin.login",
    "commerce.admin.tokens",
    "commerce.admin.lockout",
    "commerce.admin.stock",
    "commerce.admin.stock_adjustments",
    "commerce.admin.order_search",
    "commerce.admin.products",
    "commerce.admin.cancellation",
}


def loaded_by_first_call(handler: str, messages: tuple[str, ...], environment: dict[str, str]) -> set[str]:
    probe = _WIRING_PROBE.replace("{messages}", repr(messages))
    return set(json.loads(in_fresh_interpreter(probe, handler, environment)))


def test_a_saga_step_wires_its_services_without_stripe_ses_a_secret_or_the_admin_desk() -> None:
    loaded = loaded_by_first_call("handlers.saga_steps.reserve_inventory", ("ReserveInventory",), ENVIRONMENT)
    assert "commerce.services.fulfillment" in loaded
    not_needed = ADMIN_DESK | {
        "stripe",
        "commerce.adapters.stripe_gateway",
        "commerce.adapters.ses_email",
        "commerce.services.ordering",
        "commerce.webhooks",
        # Secrets Manager through Powertools: no step reads the order-token key it never uses.
        "aws_lambda_powertools.utilities.parameters",
    }
    assert not loaded & not_needed, f"a saga step's first call imports {sorted(loaded & not_needed)}"


def test_the_webhook_wires_its_intake_without_the_order_services() -> None:
    environment = {**ENVIRONMENT, "STRIPE_WEBHOOK_SECRET": "whsec_probe", "STRIPE_SECRET_KEY": "sk_test_probe"}
    loaded = loaded_by_first_call("handlers.stripe_webhook.handler", ("ReceiveStripeWebhook",), environment)
    assert "commerce.webhooks" in loaded
    not_needed = ADMIN_DESK | {
        "commerce.services.payments",
        "commerce.services.order_changes",
        "commerce.notifications",
    }
    assert not loaded & not_needed, f"the webhook's first call imports {sorted(loaded & not_needed)}"
