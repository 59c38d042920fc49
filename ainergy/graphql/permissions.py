"""Permissions as field extensions: each field declares the grant it needs."""

from __future__ import annotations

import inspect
from typing import Any

from strawberry.extensions.field_extension import FieldExtension

from ainergy.common.errors import AuthenticationError, PermissionDeniedError


class RequireGrant(FieldExtension):
    """Allow the field only for a caller in a tenant holding ``grant``.

    Grants come from the membership role (owner: read, write, ingest, manage; operator: read,
    write, ingest; viewer: read) or from the API token's scopes (never ``manage``).
    """

    def __init__(self, grant: str) -> None:
        super().__init__()
        self.grant = grant

    def _check(self, info) -> None:
        principal = info.context.principal
        if not principal.is_authenticated:
            raise AuthenticationError("Authentication required: log in or send a Bearer token.")
        if principal.tenant is None:
            raise PermissionDeniedError(
                "Choose a tenant first: you belong to several.", {"required": self.grant}
            )
        if not principal.has(self.grant):
            raise PermissionDeniedError(
                f"Permission denied: this requires the '{self.grant}' permission.",
                {"required": self.grant},
            )

    def resolve(self, next_, source: Any, info, **kwargs: Any) -> Any:
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_, source: Any, info, **kwargs: Any) -> Any:
        self._check(info)
        result = next_(source, info, **kwargs)
        if inspect.isasyncgen(result):  # a subscription: its events are the result
            return result
        return await result


class RequireAuthenticated(FieldExtension):
    """Any authenticated caller, with or without a chosen tenant."""

    def resolve(self, next_, source: Any, info, **kwargs: Any) -> Any:
        if not info.context.principal.is_authenticated:
            raise AuthenticationError("Authentication required: log in or send a Bearer token.")
        return next_(source, info, **kwargs)


READ = RequireGrant("read")
WRITE = RequireGrant("write")
INGEST = RequireGrant("ingest")
MANAGE = RequireGrant("manage")
