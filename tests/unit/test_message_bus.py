"""The one way in: each command goes to its one handler, an event to each of its handlers, anything else is refused."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from commerce import commands, events
from commerce.commands import Command, ExpireUnpaidOrders, RedriveStuckOrders, SagaStep
from commerce.events import CompensationRequested, DomainEvent, PaymentFailed
from commerce.handlers import HANDLERS
from commerce.messagebus import Handler, HandlerTable, MessageBus, UnknownMessageError


@dataclass(frozen=True)
class Double(Command[int]):
    n: int


def bus_of(table: HandlerTable, built: list[str] | None = None) -> MessageBus:
    def bind(handler: Handler) -> Any:
        if built is not None:
            built.append(handler.__name__)
        return handler

    return MessageBus(table, bind)


def test_a_command_goes_to_its_handler_and_its_answer_comes_back() -> None:
    bus = bus_of(HandlerTable(commands={Double: lambda command: command.n * 2}))
    assert bus.handle(Double(21)) == 42


def test_an_event_goes_to_each_of_its_handlers_in_the_tables_order() -> None:
    seen: list[str] = []

    def audit(event: CompensationRequested) -> str:
        seen.append(f"audit {event.order_id}")
        return "audited"

    def undo(event: CompensationRequested) -> str:
        seen.append(f"undo {event.order_id}")
        return "undone"

    bus = bus_of(HandlerTable(events={CompensationRequested: [audit, undo]}))
    assert bus.handle(CompensationRequested("ord_1", "why")) == ["audited", "undone"]
    assert seen == ["audit ord_1", "undo ord_1"]


def test_a_message_with_no_handler_here_is_refused() -> None:
    bus = bus_of(HandlerTable(commands={Double: lambda command: command.n}))
    with pytest.raises(UnknownMessageError, match="ExpireUnpaidOrders"):
        bus.handle(ExpireUnpaidOrders())
    with pytest.raises(UnknownMessageError, match="PaymentFailed"):
        bus.handle(PaymentFailed("ord_1", "pi_1", "declined", attempt_id="a1"))


def test_a_functions_part_of_the_table_refuses_the_other_functions_messages() -> None:
    scheduled = HANDLERS.only(ExpireUnpaidOrders, RedriveStuckOrders)
    assert set(scheduled.commands) == {ExpireUnpaidOrders, RedriveStuckOrders} and not scheduled.events
    with pytest.raises(UnknownMessageError, match="Double"):
        HANDLERS.only(Double)


def test_handlers_are_bound_on_their_message_types_first_use_and_once() -> None:
    built: list[str] = []

    def double(command: Double) -> int:
        return command.n * 2

    def expire(command: ExpireUnpaidOrders) -> list[str]:
        return []

    bus = bus_of(HandlerTable(commands={Double: double, ExpireUnpaidOrders: expire}), built)
    assert built == []
    bus.handle(Double(1))
    bus.handle(Double(2))
    assert built == ["double"]


def test_every_command_has_exactly_one_handler_and_every_event_at_least_one() -> None:
    def declared(module: ModuleType, base: type) -> set[type]:
        return {found for found in vars(module).values() if isinstance(found, type) and issubclass(found, base)}

    concrete = declared(commands, Command) - {Command, SagaStep}
    assert concrete == set(HANDLERS.commands), concrete ^ set(HANDLERS.commands)
    assert declared(events, DomainEvent) - {DomainEvent} == set(HANDLERS.events)
    assert all(len(handlers) >= 1 for handlers in HANDLERS.events.values())
