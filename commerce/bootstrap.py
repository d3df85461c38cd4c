"""The composition root: a message bus whose handlers get what their signatures name, built on first use.

`bootstrap(SAGA_STEP_HANDLERS)` is a saga step's whole wiring: nothing is built until a message arrives, then only
what its handler names, and what that names in turn (commerce/wiring.py, commerce/wiring_services.py). Tests call
the same bootstrap with fakes: `bootstrap(repositories=..., gateway=FakeStripe(), publisher=RecordingPublisher())`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial
from inspect import isfunction, signature
from typing import TYPE_CHECKING, Any, cast

from commerce import wiring, wiring_services
from commerce.clock import Clock, system_clock
from commerce.handlers import HANDLERS
from commerce.messagebus import Handler, HandlerTable, Message, MessageBus
from commerce.wiring import Repositories

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from commerce.events import EventPublisher
    from commerce.metrics import Metrics
    from commerce.notifications import EmailSender
    from commerce.payments import PaymentGateway
    from commerce.settings import Settings
    from commerce.workflows import SagaStarter

# name → factory; a factory's parameters name other entries (or `make_<entry>`: a function building it when called)
FACTORIES: Mapping[str, Callable[..., object]] = {
    name: factory
    for module in (wiring, wiring_services)
    for name, factory in vars(module).items()
    if isfunction(factory) and not name.startswith("_") and factory.__module__ == module.__name__
}
__all__ = ["FACTORIES", "Bus", "Dependencies", "Repositories", "bootstrap", "dynamodb_repositories"]


class Dependencies:
    """Each dependency made once, on first need, by its factory, from the dependencies its parameters name."""

    def __init__(self, given: Mapping[str, object]) -> None:
        self._made: dict[str, object] = dict(given)

    def get(self, name: str) -> object:
        if name.startswith("make_"):
            return partial(self.get, name.removeprefix("make_"))
        if name not in self._made:
            if name not in FACTORIES:
                raise LookupError(f"nothing named {name!r} in the dependency table")
            self._made[name] = self.call(FACTORIES[name])
        return self._made[name]

    @property
    def made(self) -> frozenset[str]:
        """What is built (or was given) so far."""
        return frozenset(self._made)

    def build[T](self, factory: Callable[..., T]) -> T:
        """What `factory` (an entry of the table) makes, typed: for the queries' read side and for tests."""
        return cast("T", self.get(factory.__name__))

    def call[T](self, function: Callable[..., T]) -> T:
        return function(**{name: self.get(name) for name in signature(function).parameters})

    def inject(self, handler: Handler) -> Callable[[Message], Any]:
        """The handler with all but its first parameter (the message) given: only what it names is built."""
        names = list(signature(handler).parameters)[1:]
        return partial(handler, **{name: self.get(name) for name in names})


class Bus(MessageBus):
    def __init__(self, table: HandlerTable, dependencies: Dependencies) -> None:
        super().__init__(table, dependencies.inject)
        self.dependencies = dependencies


def bootstrap(
    handlers: HandlerTable = HANDLERS,
    *,
    clock: Clock = system_clock,
    settings: Settings | None = None,
    repositories: Repositories | None = None,
    gateway: PaymentGateway | None = None,
    publisher: EventPublisher | None = None,
    email_sender: EmailSender | None = None,
    saga_starter: SagaStarter | None = None,
    metrics: Metrics | None = None,
) -> Bus:
    """Wired to AWS as the environment describes (or the local cloud via AWS_ENDPOINT_URL), except what is given."""
    given: dict[str, object] = {"clock": clock}
    adapters = {
        "settings": settings,
        "gateway": gateway,
        "publisher": publisher,
        "email_sender": email_sender,
        "saga_starter": saga_starter,
        "metrics": metrics,
    }
    given |= {name: made for name, made in adapters.items() if made is not None}
    if repositories is not None:
        given |= {field.name: getattr(repositories, field.name) for field in fields(repositories)}
    return Bus(handlers, Dependencies(given))


def dynamodb_repositories(client: DynamoDBClient, settings: Settings, clock: Clock = system_clock) -> Repositories:
    """All the DynamoDB repositories on one client: for the local cloud's seed, tests and the bench."""
    made = Dependencies({"dynamodb": client, "settings": settings, "clock": clock})
    return Repositories(**{field.name: made.get(field.name) for field in fields(Repositories)})  # type: ignore[arg-type]
