"""Who may read and change admin fields: small permission classes, checked in order, each with its own message.

A refused field resolves to an error whose `extensions.code` is UNAUTHENTICATED (no usable token: log in)
or FORBIDDEN (a valid token that does not grant admin access), and to no data.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from commerce.admin.tokens import ADMIN_SCOPE, AdminPrincipal, TokenState
from graphql_api.context import Context

UNAUTHENTICATED = {"code": "UNAUTHENTICATED"}
FORBIDDEN = {"code": "FORBIDDEN"}


class _TokenPermission(BasePermission):
    refused_state: TokenState

    def has_permission(self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any) -> bool:
        return info.context.admin.state is not self.refused_state


class HasAdminToken(_TokenPermission):
    refused_state = TokenState.MISSING
    message = "This field needs an admin token: log in with adminLogin and send it as 'Authorization: Bearer <token>'"
    error_extensions = UNAUTHENTICATED


class AdminTokenNotExpired(_TokenPermission):
    refused_state = TokenState.EXPIRED
    message = "The admin token has expired: log in again"
    error_extensions = UNAUTHENTICATED


class AdminTokenValid(_TokenPermission):
    refused_state = TokenState.INVALID
    message = "The admin token is not valid here (tampered with, wrongly signed, or meant for another audience)"
    error_extensions = UNAUTHENTICATED


class GrantsAdminAccess(BasePermission):
    message = "This token does not grant admin access"
    error_extensions = FORBIDDEN

    def has_permission(self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any) -> bool:
        principal = info.context.admin.principal
        return principal is not None and ADMIN_SCOPE in principal.scopes


# On every admin query and mutation field (not on adminLogin), in this order.
ADMIN_ONLY: list[type[BasePermission]] = [HasAdminToken, AdminTokenNotExpired, AdminTokenValid, GrantsAdminAccess]


def admin_of(info: strawberry.Info[Context, None]) -> AdminPrincipal:
    """The caller of a field guarded by ADMIN_ONLY."""
    principal = info.context.admin.principal
    if principal is None:  # only reachable if a field forgot ADMIN_ONLY: a bug, not a user's mistake
        raise PermissionError("admin field without the ADMIN_ONLY permissions")
    return principal
