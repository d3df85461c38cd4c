"""Validation rules that bound what one request may ask for, beyond Strawberry's depth, alias and token limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

MAX_MUTATIONS = 1


class OneMutationPerRequest(ASTValidationRule):
    """A mutation operation runs one mutation field.

    Each mutation may open a PaymentIntent or write several items: fifteen aliased `placeOrder`s in one request
    were fifteen intents for the price of one request, past Stripe's live write limit (~100/s) at the stage's
    rate limit (issue 18). Counted through fragments, so spreading them does not get around it; `__typename`
    is free.
    """

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        fields = list(self._root_fields(node.selection_set, set()))
        if len(fields) > MAX_MUTATIONS:
            self.report_error(
                GraphQLError(
                    f"A request may carry {MAX_MUTATIONS} mutation; this one has {len(fields)} "
                    f"({', '.join(fields)}): send them one request each.",
                    node,
                )
            )

    def _root_fields(self, selection_set: SelectionSetNode, spread: set[str]) -> Iterator[str]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    yield selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                yield from self._root_fields(selection.selection_set, spread)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)  # a cycle is NoFragmentCyclesRule's to report
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    yield from self._root_fields(fragment.selection_set, spread)
