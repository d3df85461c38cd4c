"""One clock: only `commerce/clock.py` reads the wall clock; everything that judges time asks the clock it is given."""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from commerce.adapters.stripe_webhook import TOLERANCE_SECONDS, StripeWebhookVerifier
from commerce.clock import Clock
from commerce.idempotency import IdempotencyRecord
from commerce.repositories.dynamo import DynamoTable
from commerce.repositories.idempotency import DynamoIdempotencyRepository
from commerce.secrets import MAX_AGE, Secrets
from commerce.webhooks import InvalidWebhookError
from tests.unit.builders import fixed_clock

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("commerce", "graphql_api", "handlers", "sagas")
THE_CLOCK = ROOT / "commerce" / "clock.py"
# Far from any day this suite runs on (CI runs it a year ahead and a year back too): a judgement made with the
# machine's clock instead of the injected one fails these tests.
NOW = datetime(2031, 3, 14, 15, 9, 26, tzinfo=UTC)

WALL_CLOCK_READS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
        "time.asctime",
        "time.strftime",
        "time.clock_gettime",
        "time.clock_gettime_ns",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
    }
)


def wall_clock_reads(source: str) -> list[str]:
    """Every reference to a wall-clock reader, through any import alias: `line: qualified.name`."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[(alias.asname or alias.name).split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported = f"{node.module}.{alias.name}"
                aliases[alias.asname or alias.name] = imported
                if imported in WALL_CLOCK_READS:
                    found.append(f"{node.lineno}: {imported}")

    def qualified(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name) and (name := qualified(node)) in WALL_CLOCK_READS:
            if isinstance(node, ast.Name) and f"{node.lineno}: {name}" in found:
                continue  # the `from time import time` line itself, already named
            found.append(f"{node.lineno}: {name}")
    return sorted(set(found))


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{read}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != THE_CLOCK
        for read in wall_clock_reads(path.read_text())
    ]
    assert not offenders, offenders


@pytest.mark.parametrize(
    "source",
    [
        "import time\nt = time.time()",
        "import time as tm\nt = tm.time_ns()",
        "from time import time\nt = time()",
        "from time import time as now\nt = now()",
        "from time import gmtime",
        "import datetime\nd = datetime.datetime.now()",
        "import datetime as dt\nd = dt.date.today()",
        "from datetime import datetime\nd = datetime.utcnow()",
        "from datetime import datetime as moment\nd = moment.now(tz=None)",
        "from datetime import date\nd = date.today()",
        "import time\nclock = time.time",  # a reference is a read waiting to happen
    ],
)
def test_the_check_sees_every_way_of_reaching_the_wall_clock(source: str) -> None:
    assert wall_clock_reads(source)


@pytest.mark.parametrize(
    "source",
    [
        "import time\ntime.sleep(1)\nstarted = time.perf_counter()\nlater = time.monotonic()",
        "from datetime import UTC, datetime\nd = datetime(2026, 1, 1, tzinfo=UTC)\ne = datetime.fromtimestamp(0, UTC)",
        "def now() -> int:\n    return 0\nx = now()",
    ],
)
def test_durations_constructors_and_our_own_names_are_not_wall_clock_reads(source: str) -> None:
    assert wall_clock_reads(source) == []


class _StoredItem:
    """The two calls DynamoIdempotencyRepository's judgement makes of its table."""

    name = "idempotency"

    def __init__(self, item: dict[str, Any] | None) -> None:
        self.item = item

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        return self.item


def dynamo_idempotency(clock: Clock, expires_at: int) -> DynamoIdempotencyRepository:
    item = {"key": "order:k1", "request_hash": "h1", "result_id": "ord_1", "expires_at": expires_at}
    return DynamoIdempotencyRepository(cast("DynamoTable", _StoredItem(item)), clock)


def test_a_dynamodb_idempotency_record_counts_until_its_expiry_by_the_injected_clock() -> None:
    expires_at = int(NOW.timestamp()) + 60
    assert dynamo_idempotency(fixed_clock(NOW), expires_at).get("order:k1") is not None
    assert dynamo_idempotency(fixed_clock(NOW + timedelta(seconds=59)), expires_at).get("order:k1") is not None
    assert dynamo_idempotency(fixed_clock(NOW + timedelta(seconds=60)), expires_at).get("order:k1") is None


def test_a_dynamodb_claim_may_take_over_a_key_expired_by_the_injected_clock() -> None:
    repository = dynamo_idempotency(fixed_clock(NOW), 0)
    request = repository.claim_request(IdempotencyRecord("order:k1", "h1", "ord_1", int(NOW.timestamp()) + 60))
    assert request["ConditionExpression"] == "attribute_not_exists(#key) OR expires_at <= :now"
    assert request["ExpressionAttributeValues"][":now"] == {"N": str(int(NOW.timestamp()))}


class _MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_a_secret_is_fetched_again_once_it_is_older_than_its_max_age_by_the_injected_clock() -> None:
    clock, fetched = _MovableClock(NOW), []

    def fetch(secret_id: str) -> dict[str, Any]:
        fetched.append(secret_id)
        return {"secret_key": f"sk_test_{len(fetched)}", "webhook_secret": "whsec_test"}

    secrets = Secrets(clock, {"STRIPE_SECRET_ID": "stripe"}, fetch=fetch)
    assert secrets.stripe_secret_key == "sk_test_1"
    clock.at = NOW + MAX_AGE - timedelta(seconds=1)
    assert (secrets.stripe_secret_key, secrets.stripe_webhook_secrets) == ("sk_test_1", ("whsec_test",))
    clock.at = NOW + MAX_AGE
    assert secrets.stripe_secret_key == "sk_test_2"
    clock.at = NOW  # a clock set back: what was cached "in the future" is not trusted
    assert secrets.stripe_secret_key == "sk_test_3"
    assert fetched == ["stripe"] * 3


WEBHOOK_SECRET = "whsec_unit_test_fake"
EVENT = json.dumps({"id": "evt_1", "type": "payment_intent.payment_failed", "data": {"object": {"id": "pi_1"}}})


def signed(payload: str, at: int, secret: str = WEBHOOK_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def test_a_webhook_signature_is_fresh_or_stale_by_the_injected_clock() -> None:
    verifier = StripeWebhookVerifier(WEBHOOK_SECRET, fixed_clock(NOW))
    now = int(NOW.timestamp())
    assert verifier.verify(EVENT.encode(), signed(EVENT, now - TOLERANCE_SECONDS)).id == "evt_1"
    with pytest.raises(InvalidWebhookError, match="tolerance"):
        verifier.verify(EVENT.encode(), signed(EVENT, now - TOLERANCE_SECONDS - 1))


def test_a_stale_signature_cannot_be_passed_off_as_fresh_with_a_second_timestamp() -> None:
    # The SDK verifies the signature with the header's first `t`: the freshness check must judge that same one.
    stale, now = int(NOW.timestamp()) - 3600, int(NOW.timestamp())
    with pytest.raises(InvalidWebhookError, match="tolerance"):
        StripeWebhookVerifier(WEBHOOK_SECRET, fixed_clock(NOW)).verify(
            EVENT.encode(), f"{signed(EVENT, stale)},t={now}"
        )


def test_during_a_rotation_a_signature_with_either_secret_is_accepted_and_none_other() -> None:
    now = int(NOW.timestamp())
    verifier = StripeWebhookVerifier(lambda: ("whsec_new_unit_fake", WEBHOOK_SECRET), fixed_clock(NOW))
    assert verifier.verify(EVENT.encode(), signed(EVENT, now)).id == "evt_1"
    assert verifier.verify(EVENT.encode(), signed(EVENT, now, "whsec_new_unit_fake")).id == "evt_1"
    # While Stripe rolls the endpoint's secret it sends one v1 signature per secret in one header.
    both = f"{signed(EVENT, now, 'whsec_other_fake')},v1={signed(EVENT, now, 'whsec_new_unit_fake').split('v1=')[1]}"
    assert verifier.verify(EVENT.encode(), both).id == "evt_1"
    with pytest.raises(InvalidWebhookError):
        verifier.verify(EVENT.encode(), signed(EVENT, now, "whsec_someone_else_fake"))


def test_the_previous_value_of_a_rotated_secret_is_offered_only_while_it_is_configured() -> None:
    values = {"jwt_signing_key": "new-key", "jwt_signing_key_previous": "old-key", "order_token_key": "o"}
    secrets = Secrets(fixed_clock(NOW), {"APP_KEYS_SECRET_ID": "app-keys"}, fetch=lambda _: values)
    assert secrets.jwt_signing_keys == ("new-key", "old-key")
    for previous in ("", "new-key"):
        values["jwt_signing_key_previous"] = previous
        assert Secrets(
            fixed_clock(NOW), {"APP_KEYS_SECRET_ID": "app-keys"}, fetch=lambda _: values
        ).jwt_signing_keys == ("new-key",)
