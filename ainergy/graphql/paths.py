"""Input paths in errors: Python paths raised by services → GraphQL paths the caller sent.

Services name a bad value by its Python path into the data they were given
(``heat_pumps[1].carnot_quality_grade``, ``site`` for ``site_id``). The GraphQL layer knows the
field's arguments and input types, so one generic walk turns any such path into the camelCase
GraphQL input path (``input.heatPumps[1].carnotQualityGrade``) — no per-mutation tables.

``InputErrorPaths`` is installed on every field that takes arguments (``install``); it rewrites
``ValidationError.issues`` and the ``field`` of any domain error on its way out.
"""

from __future__ import annotations

import re
from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.utils.str_converters import to_camel_case

from ainergy.common.errors import ApplicationError, ValidationError

_SEGMENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse(path: str) -> list[str | int]:
    """``a_b[2].c`` → ``["a_b", 2, "c"]``."""
    return [int(index) if index else name for index, name in _SEGMENT.findall(path)]


def _unwrap(type_: Any) -> Any:
    while True:
        if isinstance(type_, LazyType):
            type_ = type_.resolve_type()
        elif isinstance(type_, StrawberryOptional):
            type_ = type_.of_type
        else:
            return type_


def _match(named: dict[str, Any], name: str) -> Any:
    """The field called ``name``, or the id field for the object it refers to (``site`` →
    ``site_id``, ``heat_pumps`` → ``heat_pump_ids``)."""
    singular = name[:-1] if name.endswith("s") else name
    for candidate in (name, f"{name}_id", f"{name}_ids", f"{singular}_ids"):
        if candidate in named:
            return named[candidate]
    return None


def graphql_path(field: StrawberryField, python_path: str, name_converter) -> str:
    """The GraphQL input path of ``python_path`` in the arguments of ``field``."""
    segments = parse(python_path)
    if not segments or isinstance(segments[0], int):
        return python_path
    arguments = {argument.python_name: argument for argument in field.arguments}
    argument = _match(arguments, segments[0])
    rest = segments[1:]
    if argument is None:
        if "input" not in arguments:
            return ".".join(to_camel_case(str(s)) for s in segments).replace(".[", "[")
        argument = arguments["input"]
        rest = segments
    out = [name_converter.from_argument(argument)]
    current: Any = argument.type
    raw = False  # inside a free-form value (JSON): keep the keys as sent
    for segment in rest:
        current = _unwrap(current)
        if isinstance(segment, int):
            out.append(f"[{segment}]")
            current = current.of_type if isinstance(current, StrawberryList) else None
            continue
        definition = getattr(current, "__strawberry_definition__", None)
        if definition is not None and definition.is_input:
            found = _match({f.python_name: f for f in definition.fields}, segment)
            if found is not None:
                out.append("." + name_converter.from_field(found))
                current = found.type
                continue
        out.append("." + (segment if raw or current is not None else to_camel_case(segment)))
        raw = raw or current is not None
        current = None
    return "".join(out)


def localize(error: ApplicationError, field: StrawberryField, name_converter) -> None:
    """Rewrite the Python paths in ``error`` to GraphQL paths of ``field``'s arguments (once)."""
    if getattr(error, "paths_localized", False):
        return
    error.paths_localized = True
    if isinstance(error, ValidationError):
        error.issues = [
            (graphql_path(field, path, name_converter), reason) for path, reason in error.issues
        ]
        error.field, error.reason = error.issues[0]
        error.extra["field"] = error.field
        error.message = "; ".join(f"{path}: {reason}" for path, reason in error.issues)
    elif isinstance(error.extra.get("field"), str):
        error.extra["field"] = graphql_path(field, error.extra["field"], name_converter)


class InputErrorPaths(FieldExtension):
    """Domain errors leave this field with GraphQL input paths in ``field``."""

    def resolve(self, next_, source: Any, info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except ApplicationError as error:
            localize(error, info._field, info.schema.config.name_converter)
            raise

    async def resolve_async(self, next_, source: Any, info, **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except ApplicationError as error:
            localize(error, info._field, info.schema.config.name_converter)
            raise


def _object_types(type_: Any):
    type_ = _unwrap(type_)
    while isinstance(type_, StrawberryList):
        type_ = _unwrap(type_.of_type)
    definition = getattr(type_, "__strawberry_definition__", None)
    if definition is not None and not definition.is_input:
        yield definition


def install(*root_types: type) -> int:
    """Put ``InputErrorPaths`` on every root field and on every other field with arguments
    reachable from the roots (connection fields get their arguments only at schema build)."""
    seen: set[int] = set()
    count = 0
    roots = {id(root.__strawberry_definition__) for root in root_types}
    pending = [root.__strawberry_definition__ for root in root_types]
    while pending:
        definition = pending.pop()
        if id(definition) in seen:
            continue
        seen.add(id(definition))
        for field in definition.fields:
            if (id(definition) in roots or field.arguments) and not any(
                isinstance(extension, InputErrorPaths) for extension in field.extensions
            ):
                field.extensions.append(InputErrorPaths())
                count += 1
            try:
                pending.extend(_object_types(field.type))
            except Exception:  # noqa: BLE001 - generic/unresolvable annotations: no nested args
                continue
    return count
