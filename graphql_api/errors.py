"""User errors: expected failures a client can show beside the field concerned. Exceptions are for bugs."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from commerce.validation import IssueCode, ValidationIssue

# The domain's enum itself is the GraphQL enum, so codes cannot drift between the two.
strawberry.enum(IssueCode, name="UserErrorCode", description="Why a mutation refused its input.")


@strawberry.type(description="A problem with the input, addressed to a field (a dotted path) where there is one.")
class UserError:
    field: str | None
    message: str
    code: IssueCode


def user_errors(issues: list[ValidationIssue]) -> list[UserError]:
    return [UserError(field=issue.field, message=issue.message, code=issue.code) for issue in issues]


class BadRequestError(GraphQLError):
    """A query argument no valid client sends (a malformed cursor, an oversized page): a GraphQL error."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})
