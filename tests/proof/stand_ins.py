"""What the stateful proof plays instead of AWS and Stripe's servers, so that it decides when each thing happens.

- The bus: published events wait until a rule delivers one (late, out of order), then reach the consumer that
  the deployment's rules name (handlers/payment_events.py, handlers/compensation.py).
- Step Functions: every start the SagaLauncher or the re-drive asks for is an execution whose next step runs
  when a rule says so; a step's error takes the state machine's Catch (sagas/fulfillment.py).
- Stripe's webhook outbox: every authorization or decline Stripe made owes us a signed event, which Stripe
  delivers at least once, any number of times, in any order.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from commerce.errors import DomainError, IllegalTransitionError
from commerce.events import CompensationRequested, DomainEvent, PaymentAuthorized, PaymentFailed
from commerce.webhooks import WebhookOutcome
from commerce.workflows import SagaStarter
from infra.local.secrets import LOCAL_VALUES
from sagas.fulfillment import COMPENSABLE, STEPS
from tests.integration.shop import intent_event, stripe_signature
from tests.proof.isolated import Parts

STEP_NAMES = list(STEPS)
WEBHOOK_SECRET = str(LOCAL_VALUES["stripe"]["webhook_secret"])


def is_decision(error: Exception) -> bool:
    """A domain error a step raises on purpose (out of stock, declined, cancelled meanwhile); anything else,
    an illegal transition included, is a bug the proof must report rather than compensate."""
    return isinstance(error, DomainError) and not isinstance(error, IllegalTransitionError)


@dataclass
class Execution:
    order_id: str
    next_step: int = 0
    ended: bool = False


class Executions(SagaStarter):
    """Step Functions as this proof plays it: a start is an execution that runs only when told to."""

    def __init__(self) -> None:
        self.all: list[Execution] = []

    def start(self, order_id: str, saga_input: dict[str, Any]) -> str:
        self.all.append(Execution(order_id))
        return f"{order_id}-{len(self.all)}"

    def running(self) -> list[Execution]:
        return [execution for execution in self.all if not execution.ended]


@dataclass
class OwedWebhook:
    event_id: str
    kind: str
    intent_id: str


@dataclass
class StandIns:
    services: Parts
    executions: Executions
    bus: list[DomainEvent] = field(default_factory=list)
    outbox: list[OwedWebhook] = field(default_factory=list)
    launches: dict[str, int] = field(default_factory=dict)

    # --- the bus -------------------------------------------------------------------------------------------
    def publish(self, events: list[DomainEvent]) -> None:
        # Status changes feed notifications and analytics, which this proof does not follow.
        self.bus += [e for e in events if isinstance(e, PaymentAuthorized | PaymentFailed | CompensationRequested)]

    def deliver(self, event: DomainEvent) -> None:
        s = self.services
        if isinstance(event, PaymentAuthorized):
            if s.authorizations.handle(event).saga_started:
                self.launches[event.order_id] = self.launches.get(event.order_id, 0) + 1
        elif isinstance(event, PaymentFailed):
            s.payments.record_failure(event)
        elif isinstance(event, CompensationRequested):
            s.compensation.compensate(event)

    # --- Step Functions ------------------------------------------------------------------------------------
    def step(self, execution: Execution, *, fails: bool = False, after_work: bool = False) -> str:
        """Run the execution's next step; `fails`: it fails for good (after its retries), before or after doing
        its work (a timeout once the capture went through). Returns what happened, for the figures."""
        name = STEP_NAMES[execution.next_step]
        error: Exception | None = None
        if not fails or after_work:
            try:
                getattr(self.services.fulfillment, _snake(name))(execution.order_id)
            except Exception as exc:
                if not is_decision(exc):
                    raise
                error = exc
        if fails and error is None:
            error = RuntimeError(f"{name} failed for good (injected)")
        if error is None:
            execution.next_step += 1
            execution.ended = execution.next_step == len(STEP_NAMES)
            return "step done"
        if name in COMPENSABLE:  # Catch → RequestCompensation (events:putEvents) → Fail
            reason = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)})
            self.bus.append(CompensationRequested(execution.order_id, reason=reason, failed_step=name))
            execution.ended = True
            return "step failed: compensation requested"
        if name == "NotifyCustomer":  # a failed email never fails a shipped order
            execution.next_step += 1
            return "notification failed"
        execution.ended = True  # MarkFulfilled failed: the execution fails; the re-drive finishes the order
        return "last step failed"

    def time_out_executions(self) -> None:
        """An Express execution lasts at most five minutes: when the clock jumps past that, the running ones end."""
        for execution in self.executions.running():
            execution.ended = True

    # --- Stripe's webhooks ---------------------------------------------------------------------------------
    def owe(self, kind: str, intent_id: str) -> None:
        self.outbox.append(OwedWebhook(f"evt_{secrets.token_hex(12)}", kind, intent_id))

    def send_webhook(self, owed: OwedWebhook, received_at: int) -> WebhookOutcome:
        """Signed as Stripe sends it, at `received_at` by the services' clock (which judges its freshness)."""
        event = intent_event(owed.kind, owed.intent_id, event_id=owed.event_id)
        body = json.dumps(event).encode()
        signature = stripe_signature(body, WEBHOOK_SECRET, received_at)
        return self.services.webhooks.receive(body, signature, received_at=received_at)


def _snake(step: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in step).lstrip("_")
