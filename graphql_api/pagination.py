from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from commerce.pagination import Page
from graphql_api.errors import BadRequestError

# Old-style type variables, not PEP 695 parameters: Strawberry resolves the string annotations (`list[Edge[Node]]`)
# in the module's namespace, where a class's own type parameters do not exist ("Could not resolve the type of 'edges'").
Node = TypeVar("Node")
Item = TypeVar("Item")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):  # noqa: UP046 - see Node
    node: Node
    cursor: str


@strawberry.type
class Connection(Generic[Node]):  # noqa: UP046 - see Node
    edges: list[Edge[Node]]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[Item], to_node: Callable[[Item], Node]) -> Connection[Node]:
        return cls(
            edges=[
                Edge(node=to_node(item), cursor=cursor) for item, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )


def page_size(first: int, maximum: int) -> int:
    if not 1 <= first <= maximum:
        raise BadRequestError(f"first must be between 1 and {maximum}")
    return first
