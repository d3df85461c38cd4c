"""The one way in: a message goes to the handlers its table names, each built on the message type's first use."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from commerce.commands import Command
from commerce.events import DomainEvent

type Message = Command[Any] | DomainEvent
type Handler = Callable[..., Any]  # its first parameter takes the message; the others name its dependencies
type Bind = Callable[[Handler], Callable[[Message], Any]]


class UnknownMessageError(LookupError):
    def __init__(self, message: str) -> None:
        super().__init__(f"no handler for {message} here")


@dataclass(frozen=True)
class HandlerTable:
    """One handler per command; an event may have several (or none in a given function)."""

    commands: Mapping[type[Command[Any]], Handler] = field(default_factory=dict)
    events: Mapping[type[DomainEvent], Sequence[Handler]] = field(default_factory=dict)

    def only(self, *messages: type[Message]) -> HandlerTable:
        """The part of the table a function serves: it builds only these handlers' dependencies."""
        missing = [m.__name__ for m in messages if m not in self.commands and m not in self.events]
        if missing:
            raise UnknownMessageError(", ".join(missing))
        return HandlerTable(
            {m: h for m, h in self.commands.items() if m in messages},
            {m: hs for m, hs in self.events.items() if m in messages},
        )


class MessageBus:
    def __init__(self, table: HandlerTable, bind: Bind) -> None:
        self.table = table
        self._bind = bind
        self._bound: dict[type[Message], list[Callable[[Message], Any]]] = {}

    @overload
    def handle[R](self, message: Command[R]) -> R: ...
    @overload
    def handle(self, message: DomainEvent) -> list[object]: ...
    def handle(self, message: Message) -> object:
        """A command's handler's answer; for an event, the answers of each of its handlers."""
        handlers = self.handlers_of(type(message))
        if isinstance(message, Command):
            return handlers[0](message)
        return [handler(message) for handler in handlers]

    def handlers_of(self, message_type: type[Message]) -> list[Callable[[Message], Any]]:
        """Its handlers, their dependencies injected (built now if this type is new here)."""
        if message_type not in self._bound:
            if issubclass(message_type, Command) and message_type in self.table.commands:
                found: Sequence[Handler] = [self.table.commands[message_type]]
            elif issubclass(message_type, DomainEvent) and message_type in self.table.events:
                found = self.table.events[message_type]
            else:
                raise UnknownMessageError(message_type.__name__)
            self._bound[message_type] = [self._bind(handler) for handler in found]
        return self._bound[message_type]
