"""Request-level rules localstripe lacks, as aiohttp middlewares of its app (in the localstripe child process).

- Stripe.js creates PaymentMethods with the publishable key (a `key` form field); localstripe took that key only
  for tokens and sources.
- A parameter Stripe's API does not have is refused (`parameter_unknown`). The allowed names are stripe-python's
  typed request params (`stripe.params`), the SDK generated from Stripe's OpenAPI spec, not a list kept here.
- Idempotency keys (https://docs.stripe.com/api/idempotent_requests): a POST sent again with the same key and
  parameters replays the first answer; with other parameters or to another endpoint it is an `idempotency_error`.
  Requests refused before they ran (unknown parameters) are not remembered, as on Stripe.
- Its fake Stripe.js (/js.stripe.com/v3/) gains `createPaymentMethod` and `handleNextAction`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import stripe.params as stripe_params
from aiohttp import web
from stripe._request_options import RequestOptions
from typing_extensions import is_typeddict  # the SDK's TypedDicts are typing_extensions ones

from infra.local.stripe_refusals import refusal

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

JS_PATH = "/js.stripe.com/v3/"
_JS_EXTENSIONS = Path(__file__).with_name("stripe_js_extensions.js")
# What Stripe.js adds to the requests it makes with the publishable key; not parameters of the API resources.
_STRIPE_JS_FIELDS = frozenset({"key", "payment_user_agent", "referrer", "time_on_page", "guid", "muid", "sid"})
# SDK-side options (api_key, idempotency_key, headers…) that the typed params also list but never send as fields.
_REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__)

_PARAMS: Mapping[tuple[str, str], type] = {
    ("POST", "/v1/payment_intents"): stripe_params.PaymentIntentCreateParams,
    ("GET", "/v1/payment_intents/{id}"): stripe_params.PaymentIntentRetrieveParams,
    ("POST", "/v1/payment_intents/{id}"): stripe_params.PaymentIntentModifyParams,
    ("POST", "/v1/payment_intents/{id}/confirm"): stripe_params.PaymentIntentConfirmParams,
    ("POST", "/v1/payment_intents/{id}/capture"): stripe_params.PaymentIntentCaptureParams,
    ("POST", "/v1/payment_intents/{id}/cancel"): stripe_params.PaymentIntentCancelParams,
    ("POST", "/v1/payment_methods"): stripe_params.PaymentMethodCreateParams,
    ("GET", "/v1/payment_methods/{id}"): stripe_params.PaymentMethodRetrieveParams,
    ("POST", "/v1/refunds"): stripe_params.RefundCreateParams,
    ("GET", "/v1/refunds"): stripe_params.RefundListParams,
    ("GET", "/v1/refunds/{id}"): stripe_params.RefundRetrieveParams,
    ("GET", "/v1/charges/{id}"): stripe_params.ChargeRetrieveParams,
    ("POST", "/v1/tokens"): stripe_params.TokenCreateParams,
}


def unknown_parameter(data: Mapping[str, Any], params: type, prefix: str = "") -> str | None:
    """The first parameter of `data` that `params` (a stripe.params TypedDict) does not name, as Stripe writes it."""
    allowed = set(params.__annotations__) - (_REQUEST_OPTIONS if not prefix else set())
    for name, value in data.items():
        path = f"{prefix}[{name}]" if prefix else name
        if name not in allowed:
            return path
        nested = _nested_params(params, name)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if nested is not None and isinstance(item, dict):
                found = unknown_parameter(item, nested, path)
                if found:
                    return found
    return None


def _nested_params(params: type, name: str) -> type | None:
    # The annotations are forward references ("Literal['']|PaymentIntentConfirmParamsShipping"); the TypedDicts
    # they name live in the params' module. Unions of two TypedDicts do not occur in the parameters checked here.
    module = sys.modules[params.__module__]
    for candidate in re.findall(r"[A-Z]\w*", str(params.__annotations__[name])):
        found = getattr(module, candidate, None)
        if isinstance(found, type) and is_typeddict(found):
            return found
    return None


@dataclass(frozen=True)
class _Answer:
    endpoint: str
    parameters: str
    status: int
    body: bytes


def install(app: web.Application, server: Any) -> None:
    """Add the rules to localstripe's `server.app` before it starts (its middleware list is still mutable then)."""
    answers: dict[str, _Answer] = {}
    original_auth = server.auth_middleware

    @web.middleware
    async def auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST" and request.path == "/v1/payment_methods":
            data = await server.get_post_data(request, remove_auth=False)
            if data and isinstance(data.get("key"), str) and data["key"].startswith("pk_"):
                return await handler(request)
        response: web.StreamResponse = await original_auth(request, handler)
        return response

    @web.middleware
    async def rules(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "GET" and request.path == JS_PATH:
            return _stripe_js(server)
        data = await _parameters(request, server)
        route = request.match_info.route.resource
        params = _PARAMS.get((request.method, route.canonical)) if route is not None else None
        if params is not None:
            unknown = unknown_parameter({k: v for k, v in data.items() if k not in _STRIPE_JS_FIELDS}, params)
            if unknown is not None:
                raise refusal(f"Received unknown parameter: {unknown}", code="parameter_unknown", param=unknown)
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            try:
                return await handler(request)
            except server.UserError as error:
                _as_stripe_answers(error)
                raise
        fingerprint = json.dumps(data, sort_keys=True, default=str)
        endpoint = f"{request.method} {request.path}"
        first = answers.get(key)
        if first is not None:
            return _replay(first, key, endpoint, fingerprint)
        try:
            response = await handler(request)
        except server.UserError as error:
            _as_stripe_answers(error)
            answers[key] = _Answer(endpoint, fingerprint, error.code, _json(error.body))
            raise
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            answers[key] = _Answer(endpoint, fingerprint, response.status, response.body)
        return response

    # aiohttp offers no other way to change the middlewares of an app already created (they freeze at startup).
    middlewares = app._middlewares
    middlewares[middlewares.index(original_auth)] = auth
    middlewares.insert(middlewares.index(auth) + 1, rules)


def _as_stripe_answers(error: Any) -> None:
    # localstripe types every error invalid_request_error; Stripe answers a declined card (402) as a card_error.
    if error.code == 402:
        error.body["error"]["type"] = "card_error"


def _json(body: object) -> bytes:
    # As localstripe's json_response writes it, so a replay is the same bytes as the first answer.
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def _replay(first: _Answer, key: str, endpoint: str, fingerprint: str) -> web.Response:
    if first.endpoint != endpoint:
        raise refusal(
            f"Keys for idempotent requests can only be used for the same endpoint they were first used for "
            f"('{first.endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to execute a "
            "different request.",
            error_type="idempotency_error",
        )
    if first.parameters != fingerprint:
        raise refusal(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. "
            f"Try using a key other than '{key}' if you meant to execute a different request.",
            error_type="idempotency_error",
        )
    return web.Response(
        body=first.body,
        status=first.status,
        content_type="application/json",
        headers={"Idempotent-Replayed": "true", "Idempotency-Key": key},
    )


async def _parameters(request: web.Request, server: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if request.method == "POST":
        data.update(await server.get_post_data(request, remove_auth=False) or {})
    data.update(server.unflatten_data(request.query) or {})
    return data


def _stripe_js(server: Any) -> web.Response:
    original = Path(server.__file__).with_name("localstripe-v3.js").read_text()
    text = original + "\n" + _JS_EXTENSIONS.read_text()
    return web.Response(text=text, content_type="application/javascript")
