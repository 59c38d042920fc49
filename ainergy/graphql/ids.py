"""Opaque global ids: decoding one of another type or a garbled one reads as 'not found'."""

from __future__ import annotations

from strawberry import relay

from ainergy.common.errors import NotFoundError


def decode_id(global_id: relay.GlobalID | str, type_name: str, what: str) -> int:
    """The primary key inside ``global_id`` if it names ``type_name``; else NotFoundError."""
    try:
        if isinstance(global_id, str):
            global_id = relay.GlobalID.from_id(global_id)
        if global_id.type_name != type_name:
            raise ValueError(global_id.type_name)
        return int(global_id.node_id)
    except (ValueError, TypeError, AttributeError):
        raise NotFoundError(f"{what} not found.") from None
