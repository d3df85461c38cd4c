"""Each state machine definition parsed once, not once per execution.

moto's Step Functions interpreter (a port of LocalStack's) parses the Amazon States Language with ANTLR at the start
of every execution: measured by `make bench` as ~8% of the local system's CPU per order. The parsed program is a
tree of components that keep no state of an execution — that lives in the execution's own environment — except in
the machinery of `Parallel` and `Map` states, whose branch and iteration workers record progress on the components
themselves. Definitions without those states are parsed once and their program shared by every execution; any
other is parsed per execution, as moto does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

# States whose components carry an execution's progress (moto/stepfunctions/parser/asl/component/state/exec/
# state_map and state_parallel): never shared.
_STATEFUL_TYPES = frozenset({"Parallel", "Map"})

_ORIGINAL: Callable[[ExecutionWorker], EvalComponent] = ExecutionWorker._get_evaluation_entrypoint
_programs: dict[str, EvalComponent] = {}
_lock = threading.Lock()


def parse_each_definition_once() -> None:
    ExecutionWorker._get_evaluation_entrypoint = _entrypoint  # type: ignore[method-assign]


def shareable(definition: str) -> bool:
    try:
        document = json.loads(definition)
    except ValueError:
        return False
    return not any(state.get("Type") in _STATEFUL_TYPES for state in _states(document))


def _entrypoint(self: ExecutionWorker) -> EvalComponent:
    definition: str = self._evaluation_details.state_machine_details.definition
    if not shareable(definition):
        return _ORIGINAL(self)
    with _lock:
        if definition not in _programs:
            _programs[definition] = _ORIGINAL(self)
        return _programs[definition]


def _states(document: Any) -> Iterator[dict[str, Any]]:
    """Every state of a definition, nested ones included (a Parallel's branches, a Map's processor)."""
    if isinstance(document, dict):
        for state in (document.get("States") or {}).values():
            if isinstance(state, dict):
                yield state
                for nested in state.get("Branches") or []:
                    yield from _states(nested)
                for key in ("ItemProcessor", "Iterator"):
                    yield from _states(state.get(key))
