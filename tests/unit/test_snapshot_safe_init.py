"""The API function runs with SnapStart: its init is done once, snapshotted, and resumed in many execution
environments. Whatever init creates is therefore shared by all of them, so it must create nothing that has to
differ per environment: no ids, keys or random values, no open connection, no resolved AWS credentials (they would
be the publishing environment's, captured in the snapshot). The probe watches a fresh interpreter import the
handler, through CPython's audit hooks and by wrapping the sources of uniqueness before anything imports them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.coldstart import in_fresh_interpreter
from tests.unit.test_cold_start_imports import ENVIRONMENT

HANDLER = "graphql_api.lambda_handler.handler"

_PROBE = """
import gc, json, random, secrets, socket, sys, types, uuid
seen = []

def audit(event, args):
    if event == "socket.connect":
        seen.append(f"socket.connect {args[1]!r}")
sys.addaudithook(audit)

def recording(label, function):
    def wrapper(*args, **kwargs):
        seen.append(label)
        return function(*args, **kwargs)
    return wrapper

for name in ("uuid1", "uuid4"):
    setattr(uuid, name, recording("uuid." + name, getattr(uuid, name)))
for name in ("token_bytes", "token_hex", "token_urlsafe", "randbits", "choice"):
    setattr(secrets, name, recording("secrets." + name, getattr(secrets, name)))
state_before = random.getstate()

import botocore.credentials
botocore.credentials.CredentialResolver.load_credentials = recording(
    "botocore credentials resolved", botocore.credentials.CredentialResolver.load_credentials
)
hooks = []
restore = types.ModuleType("snapshot_restore_py")  # as Lambda's runtime provides it
restore.register_after_restore = hooks.append
sys.modules["snapshot_restore_py"] = restore

import importlib
module, _, attribute = sys.argv[1].rpartition(".")
getattr(importlib.import_module(module), attribute)
if random.getstate() != state_before:
    seen.append("random: the module's generator was used or re-seeded")
for found in gc.get_objects():
    if isinstance(found, socket.socket) and found.fileno() != -1 and found.family != socket.AF_UNIX:
        seen.append(f"socket left open {found!r}")
for hook in hooks:
    hook()
restored = [f"{hook.__module__}.{hook.__qualname__}" for hook in hooks]
print(json.dumps({"seen": seen, "after_restore": restored, "reseeded": random.getstate() != state_before}))
"""


@pytest.fixture(scope="module")
def init() -> dict[str, Any]:
    # As on Lambda with SnapStart: credentials come from the container endpoint, not from variables, so resolving
    # them at init would also open a connection (to an address nobody listens on here).
    environment = {
        key: value for key, value in ENVIRONMENT.items() if not key.startswith(("AWS_ACCESS_KEY", "AWS_SECRET"))
    }
    environment |= {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/2021-01-01/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "probe",
        "AWS_LAMBDA_FUNCTION_NAME": "api",
    }
    found: dict[str, Any] = json.loads(in_fresh_interpreter(_PROBE, HANDLER, environment))
    return found


def test_the_api_init_opens_no_connection_and_resolves_no_aws_credentials(init: dict[str, Any]) -> None:
    # urllib3 probes IPv6 at import with a socket bound to ::1 and closed at once, and asyncio's loop (Mangum makes
    # one) wakes itself through a socketpair: neither reaches the network nor outlives init.
    assert not [event for event in init["seen"] if event.startswith(("socket", "botocore"))], init["seen"]


def test_the_api_init_draws_no_id_key_or_random_value(init: dict[str, Any]) -> None:
    drawn = [event for event in init["seen"] if event.startswith(("uuid.", "secrets.", "random"))]
    assert not drawn, drawn


def test_each_restored_environment_reseeds_random_through_lambdas_after_restore_hook(init: dict[str, Any]) -> None:
    assert init["after_restore"] == ["commerce.adapters.snapshot_restore.reseed_random"], init
    assert init["reseeded"], "after the hook, the generator's state differs from the snapshotted one"


def test_the_probe_sees_a_connection_and_a_uuid_made_at_import() -> None:
    """The probe itself can fail: a module that does both at import is caught."""
    probe = _PROBE.replace(
        "import importlib\n",
        "import importlib\nkept = socket.socket(); uuid.uuid4(); random.random()\n",
    )
    seen = json.loads(in_fresh_interpreter(probe, HANDLER, ENVIRONMENT))["seen"]
    assert "uuid.uuid4" in seen, seen
    assert [event for event in seen if event.startswith("socket left open")], seen
    assert "random: the module's generator was used or re-seeded" in seen, seen
