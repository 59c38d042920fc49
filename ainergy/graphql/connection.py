"""The connection type of every list: Relay's, with a non-null ``totalCount``."""

from __future__ import annotations

from collections.abc import Sized
from typing import cast

import strawberry
from django.db import models
from strawberry import relay
from strawberry_django.pagination import get_cached_total_count, get_total_count
from strawberry_django.relay import DjangoListConnection
from strawberry_django.resolvers import django_resolver


@strawberry.type(name="Connection", description="A page of a list.")
class Connection(DjangoListConnection[relay.NodeType]):
    @strawberry.field(description="Objects in the whole list (all pages, after filters).")
    def total_count(self) -> int:
        assert self.nodes is not None
        try:
            return self.edges[0].node._strawberry_total_count  # type: ignore[attr-defined]
        except (IndexError, AttributeError):
            pass
        if isinstance(self.nodes, models.QuerySet):
            total = get_cached_total_count(self.nodes)
            if total is None:
                total = cast("int", django_resolver(get_total_count)(self.nodes))
            return total
        return len(self.nodes) if isinstance(self.nodes, Sized) else 0
