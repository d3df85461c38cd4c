"""The bundle works on its own: nothing a handler imports may come from the venv, where the local and dev extras
would hide a package the Lambda layer lacks (as starlette once was: every `/graphql` request answered 500)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from bench.coldstart import as_on_lambda
from commerce.events import (
    CompensationRequested,
    OrderStatusChanged,
    PaymentAuthorized,
    PaymentFailed,
    PaymentRefunded,
)
from infra.components import packaging
from infra.deployment import DEPLOYMENT, Function
from infra.local.cloud import LocalCloud
from tests.integration.bundle_alone import (
    CODE,
    LAYER,
    Wheel,
    aarch64_for_lambda,
    installed_wheels,
    native_install,
    normalized,
    run_isolated,
)
from tests.integration.graphql_transport import http_api_event

pytestmark = pytest.mark.integration

MISSING_ORDER = "ord_bundle_alone_missing"
PRODUCTS = b'{"query": "{ products(first: 5) { edges { node { id name } } } }"}'


def bus_event(detail: Any) -> dict[str, Any]:
    return {
        "id": f"bundle-alone-{type(detail).__name__}",
        "detail-type": type(detail).detail_type,
        "detail": dataclasses.asdict(detail),
    }


def first_invocation(function: Function) -> dict[str, Any]:
    """A real event for each handler, against the local cloud's seeded tables."""
    events: dict[str, dict[str, Any]] = {
        "graphql_api.lambda_handler.handler": http_api_event(
            "POST", "/graphql", PRODUCTS, {"content-type": "application/json"}
        ),
        "handlers.stripe_webhook.handler": http_api_event(
            "POST", "/webhooks/stripe", b"{}", {"content-type": "application/json"}
        ),
        "handlers.payment_events.on_payment_authorized": bus_event(
            PaymentAuthorized(order_id=MISSING_ORDER, intent_id="pi_missing", amount=100, currency="usd")
        ),
        "handlers.payment_events.on_payment_failed": bus_event(
            PaymentFailed(order_id=MISSING_ORDER, intent_id="pi_missing", reason="declined", attempt_id="a1")
        ),
        "handlers.payment_events.on_payment_reversed": bus_event(
            PaymentRefunded(order_id=MISSING_ORDER, intent_id="pi_missing", refunded=100, currency="USD")
        ),
        "handlers.compensation.handler": bus_event(CompensationRequested(order_id=MISSING_ORDER, reason="probe")),
        "handlers.notifications.handler": bus_event(
            OrderStatusChanged(order_id=MISSING_ORDER, status="AUTHORIZED", previous="PENDING_PAYMENT")
        ),
        "handlers.expiry.handler": {},
        "handlers.expiry.redrive": {},
    }
    if function.handler.startswith("handlers.saga_steps."):
        return {"order_id": MISSING_ORDER, "execution": "bundle-alone"}
    return events[function.handler]


def check_served(function: Function, call: dict[str, Any]) -> None:
    """What each handler answers when it really ran: its own response, or the domain's word for a missing order."""
    raised = call.get("raised")
    assert not (raised and raised["import_error"]), f"{function.handler} cannot import: {raised['traceback']}"
    if function.handler == "graphql_api.lambda_handler.handler":
        assert call.get("returned", {}).get("statusCode") == 200, call
        edges = json.loads(call["returned"]["body"])["data"]["products"]["edges"]
        assert edges, f"the API served no product from the seeded table: {call}"
    elif function.handler == "handlers.stripe_webhook.handler":
        assert call.get("returned", {}).get("statusCode") == 400, f"an unsigned webhook is refused: {call}"
    elif function.handler == "handlers.notifications.handler":
        assert call.get("returned") == {"order_id": MISSING_ORDER, "sent": False}, call
    elif function.handler == "handlers.expiry.handler":
        assert "expired" in call.get("returned", {}), call
    elif function.handler == "handlers.expiry.redrive":
        assert "redriven" in call.get("returned", {}), call
    else:  # saga steps and bus consumers: they looked the order up in DynamoDB and said it is not there
        assert raised and raised["type"] == "commerce.errors.OrderNotFoundError", f"{function.handler}: {call}"


@pytest.fixture(scope="module")
def bundle() -> packaging.Bundle:
    try:
        return packaging.build_bundle()
    except packaging.PackagingError as error:
        pytest.skip(f"the Lambda layer cannot be built here (package index unreachable?): {error}")


@pytest.fixture(scope="module")
def native(bundle: packaging.Bundle) -> Path:
    return native_install(packaging.runtime_requirements())


def test_every_handler_imports_and_serves_a_real_invocation_with_nothing_but_the_bundle_on_its_path(
    local_cloud: LocalCloud, bundle: packaging.Bundle, native: Path, tmp_path: Path
) -> None:
    calls = [
        {"function": function.name, "handler": function.handler, "event": first_invocation(function)}
        for function in DEPLOYMENT.functions
    ]
    environment = {**os.environ, **as_on_lambda("bundle-alone"), "LAMBDA_TASK_ROOT": str(CODE)}
    findings = run_isolated(native, CODE, calls, environment, tmp_path / "findings.json")

    allowed = (str(CODE), str(native))
    assert not [entry for entry in findings["sys_path"] if "site-packages" in entry], findings["sys_path"]
    outside = {
        name: file
        for name, file in findings["module_files"].items()
        if not file.startswith(allowed) and ("site-packages" in file or str(packaging.ROOT) in file)
    }
    assert not outside, f"modules loaded from outside the bundle: {outside}"
    for function, call in zip(DEPLOYMENT.functions, findings["calls"], strict=True):
        check_served(function, call)
    assert not findings["unimportable"], json.dumps(findings["unimportable"], indent=1)


def test_this_machines_resolution_pins_the_very_versions_the_arm64_layer_ships(
    bundle: packaging.Bundle, native: Path
) -> None:
    here = {name: wheel.version for name, wheel in installed_wheels(native).items()}
    deployed = {name: wheel.version for name, wheel in installed_wheels(LAYER).items()}
    assert here == deployed


def test_every_compiled_dependency_ships_an_aarch64_wheel_for_python_313(bundle: packaging.Bundle) -> None:
    layer = installed_wheels(LAYER)
    compiled: list[Wheel] = [wheel for wheel in layer.values() if not wheel.pure]
    assert compiled, "argon2-cffi-bindings and cffi are compiled"
    for wheel in compiled:
        assert any(aarch64_for_lambda(tag) for tag in wheel.tags), f"{wheel.name} {wheel.version}: {wheel.tags}"
    for requirement in packaging.runtime_requirements():
        assert normalized(requirement.split("==")[0]) in layer, f"{requirement} is not in the layer"


@pytest.mark.parametrize(
    ("tag", "loads"),
    [
        ("cp313-cp313-manylinux_2_28_aarch64", True),
        ("cp310-abi3-manylinux_2_26_aarch64", True),
        ("cp313-cp313-manylinux2014_aarch64", True),
        ("cp311-cp311-manylinux_2_17_aarch64", False),  # another CPython's ABI
        ("cp313-cp313-manylinux_2_39_aarch64", False),  # newer glibc than Amazon Linux 2023's 2.34
        ("cp313-cp313-manylinux_2_28_x86_64", False),
    ],
)
def test_a_wheel_tag_qualifies_for_lambda_only_when_python_313_on_arm64_loads_it(tag: str, loads: bool) -> None:
    assert aarch64_for_lambda(tag) is loads
