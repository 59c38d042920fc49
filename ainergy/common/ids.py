"""Opaque global ids: one id per object, the same in GraphQL, REST, exports and job results.

An id is base64 of ``<GraphQL type name>:<primary key>`` (Relay's global object identification);
clients must treat it as opaque. Every node type is named like its Django model, so an id can be
made from a model instance alone (``global_id(obj)``).

A malformed id, or an id of another type than the argument expects, is the caller's mistake and
reads as ``VALIDATION_ERROR`` naming the argument; a well-formed id of a missing object or of
another tenant's object reads as ``NOT_FOUND`` (the same for both).
"""

from __future__ import annotations

import base64
import binascii

from strawberry import relay

from ainergy.common.errors import ValidationError

MALFORMED = "not a valid id (ids are opaque strings handed out by this API)"


def parse_id(value: object, field: str = "id") -> tuple[str, int]:
    """``(type name, primary key)`` of a global id; ValidationError naming ``field`` if malformed."""
    if isinstance(value, relay.GlobalID):
        type_name, node_id = value.type_name, value.node_id
    else:
        if not isinstance(value, str) or not value or len(value) > 200:
            raise ValidationError(field, MALFORMED)
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValidationError(field, MALFORMED) from None
        type_name, separator, node_id = decoded.partition(":")
        if not separator or not type_name:
            raise ValidationError(field, MALFORMED)
    if not node_id.isascii() or not node_id.isdigit() or len(node_id) > 18:
        raise ValidationError(field, MALFORMED)
    return type_name, int(node_id)


def decode_id(value: object, type_name: str, field: str = "id") -> int:
    """The primary key inside a global id of ``type_name``.

    ValidationError naming ``field`` (a Python path such as ``heat_pump_ids[2]``) when the id is
    malformed or names another type.
    """
    found, pk = parse_id(value, field)
    if found != type_name:
        raise ValidationError(field, f"expected the id of a {type_name}, got the id of a {found}")
    return pk


def encode_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def global_id(obj) -> str:
    """The global id of a model instance (node types are named like their models)."""
    return encode_id(type(obj).__name__, obj.pk)


def rest_pk(value: str, type_name: str, field: str) -> int:
    """A primary key from a REST path or body: the global id, or (accepted too) the bare number."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return decode_id(value, type_name, field)
