"""Which GraphQL operation ran, and for which order: bound to the invocation, so its logs, its trace annotations
and its summary line say so (`graphql_operation=payOrder`, `order_id=ord_…`).

Read from the parsed document and the result, once per operation: a `resolve` hook would run for every field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, get_operation_ast, value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from commerce.adapters.invocation import bind

# Root field → the argument naming the order it is about.
ORDER_ARGUMENTS = {"order": "id", "orderUpdates": "id", "adminOrder": "id", "cancelOrder": "id", "payOrder": "orderId"}
# Root fields whose payload names a new order: `placeOrder { order { id } }`.
ORDER_IN_PAYLOAD = frozenset({"placeOrder"})


class OperationTelemetry(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        fields = _root_fields(context.graphql_document, context.operation_name)
        variables = context.variables or {}
        named = [_argument(node, ORDER_ARGUMENTS[node.name.value], variables) for node in fields if _about_order(node)]
        bind(
            graphql_operation=",".join(node.name.value for node in fields) or None,
            order_id=next((order_id for order_id in named if order_id), None),
        )
        yield
        result = context.result
        data = result.data if result is not None else None
        for node in fields:
            if node.name.value in ORDER_IN_PAYLOAD and isinstance(data, dict):
                payload = data.get(node.alias.value if node.alias else node.name.value)
                order = payload.get("order") if isinstance(payload, dict) else None
                if isinstance(order, dict) and order.get("id"):
                    bind(order_id=order["id"])


def _about_order(node: FieldNode) -> bool:
    return node.name.value in ORDER_ARGUMENTS


def _root_fields(document: Any, operation_name: str | None) -> list[FieldNode]:
    if document is None:
        return []
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    return [node for node in operation.selection_set.selections if isinstance(node, FieldNode)]


def _argument(node: FieldNode, name: str, variables: dict[str, Any]) -> str | None:
    for argument in node.arguments or ():
        if argument.name.value == name:
            value = value_from_ast_untyped(argument.value, variables)
            return value if isinstance(value, str) else None
    return None
