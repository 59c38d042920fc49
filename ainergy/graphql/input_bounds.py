"""Bounds on every GraphQL input, checked on the coerced arguments before any work.

* Variables that do not coerce to their types are ``BAD_USER_INPUT`` naming the variable path
  (``input.latitudeDeg``), instead of surfacing from deep inside execution.
* Every list has a cap: ``LIST_CAPS`` by ``Type.field`` (input fields) or ``Type.field(arg)``
  (arguments), else ``DEFAULT_LIST_CAP``.
* Every string has a cap: ``STRING_CAPS``, else the ``max_length`` of the model column it is
  written to (``SiteInput.name`` → ``Site.name``, by the input type's name), else
  ``DEFAULT_STRING_CAP``; ids ``ID_CAP`` characters.
* Dates and times lie in [1900-01-01, 2200-01-01) (the range the time series accept).
* Pagination cursors are the ``arrayconnection:<offset>`` the API hands out, with a sane offset.

Each violation is a ``VALIDATION_ERROR`` naming the camelCase input path and the reason; all of
them are reported together (up to ``MAX_ISSUES``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_operation_ast,
    type_from_ast,
)
from graphql.execution.values import get_argument_values, get_variable_values

from ainergy.graphql.limits import _fields_of, _Walk

DEFAULT_LIST_CAP = 100
DEFAULT_STRING_CAP = 10_000
ID_CAP = 200
MAX_ISSUES = 20
MAX_CURSOR_OFFSET = 1_000_000
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def list_caps() -> dict[str, int]:
    return {
        "SeriesPointsInput.points": settings.TIMESERIES_MAX_POINTS_PER_REQUEST,
        "ObservationsIngestInput.batches": 100,
        "BidPlanResultsInput.dayAheadClearingPricesEurPerMwh": 100,  # MTUs of a day
        "BidPlanResultsInput.dayAheadAcceptedVolumesMw": 100,
        "BidPlanResultsInput.reserves": 500,
        "PoolInput.heatPumpIds": 200,
        "PoolPartialInput.heatPumpIds": 200,
        "BidPlanInput.productCodes": 20,
        "MarketAccountInput.enabledProductCodes": 20,
        "ForecastRunRequestInput.quantiles": 99,
        "ForecastRunRequestInput.regressorSeriesIds": 10,
        "HeatPumpInput.copTable": 100,
        "HeatPumpPartialInput.copTable": 100,
        "MeterDataAuthorizationInput.meteringPointIds": 100,
        "ApiTokenCreateInput.scopes": 10,
    }


STRING_CAPS: dict[str, int] = {}
_STEM_SUFFIXES = ("PartialInput", "CreateInput", "UpdateInput", "RequestInput", "Input")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        found.setdefault(model.__name__, model)
    return found


@cache
def column_cap(type_name: str, field_name: str) -> int | None:
    """``max_length`` of the model column an input field is written to, if there is one."""
    stem = type_name
    for suffix in _STEM_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    model = _models_by_name().get(stem)
    if model is None:
        return None
    try:
        column = model._meta.get_field(_snake(field_name))
    except Exception:
        return None
    return getattr(column, "max_length", None) if isinstance(column, models.CharField) else None


def string_cap(key: str, type_name: str | None, field_name: str) -> int:
    if key in STRING_CAPS:
        return STRING_CAPS[key]
    if type_name is not None:
        cap = column_cap(type_name, field_name)
        if cap is not None:
            return cap
    return DEFAULT_STRING_CAP


class _Issues:
    def __init__(self) -> None:
        self.errors: list[GraphQLError] = []

    def add(self, code: str, field: str, reason: str) -> None:
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(
                GraphQLError(
                    f"{field}: {reason}",
                    extensions={"code": code, "field": field, "reason": reason},
                )
            )

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ISSUES


def _check(value: Any, type_, path: str, key: str, owner: tuple[str | None, str], issues) -> None:
    if value is None or issues.full:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        cap = list_caps().get(key, DEFAULT_LIST_CAP)
        items = value if isinstance(value, list) else [value]
        if len(items) > cap:
            issues.add("VALIDATION_ERROR", path, f"{len(items)} items; at most {cap}")
            return
        for index, item in enumerate(items):
            _check(item, type_.of_type, f"{path}[{index}]", key, owner, issues)
        return
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, dict):
            return
        for name, field in type_.fields.items():
            item = value.get(field.out_name or name)
            _check(
                item,
                field.type,
                f"{path}.{name}",
                f"{type_.name}.{name}",
                (type_.name, name),
                issues,
            )
        return
    if isinstance(value, str):
        named = type_.name if isinstance(type_, GraphQLScalarType) else ""
        cap = ID_CAP if named in ("ID", "GlobalID") else string_cap(key, *owner)
        if len(value) > cap:
            issues.add("VALIDATION_ERROR", path, f"{len(value)} characters; at most {cap}")
        elif "\x00" in value:
            issues.add("VALIDATION_ERROR", path, "contains a NUL character")
        return
    if isinstance(value, dict | list):  # a JSON scalar: no NUL anywhere (PostgreSQL refuses it)
        if _has_nul(value):
            issues.add("VALIDATION_ERROR", path, "contains a NUL character")
        return
    if isinstance(value, dt.datetime | dt.date):
        moment = (
            value
            if isinstance(value, dt.datetime)
            else dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
        )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        if not EARLIEST <= moment < LATEST:
            issues.add(
                "VALIDATION_ERROR",
                path,
                f"{value.isoformat()} is outside the supported range "
                f"[{EARLIEST.date()}, {LATEST.date()})",
            )


def _has_nul(value: Any, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item, depth + 1) for item in value)
    return False


def _check_cursor(value: Any, path: str, issues: _Issues) -> None:
    if value is None:
        return
    try:
        text = base64.b64decode(str(value), validate=True).decode()
        prefix, _, offset = text.partition(":")
        if prefix != "arrayconnection" or not offset.isdigit():
            raise ValueError(text)
        if int(offset) > MAX_CURSOR_OFFSET:
            issues.add("VALIDATION_ERROR", path, f"cursor offset over {MAX_CURSOR_OFFSET}")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        issues.add("VALIDATION_ERROR", path, "not a cursor this API handed out")


_VARIABLE_ERROR = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at ([^:]+))?: (.*)$", re.S)
_REQUIRED = re.compile(r"to include required field '(\w+)'")


def _bad_variable(error: GraphQLError) -> GraphQLError:
    match = _VARIABLE_ERROR.match(error.message)
    if match is None:
        return GraphQLError(error.message, extensions={"code": "BAD_USER_INPUT"})
    name, at, reason = match.groups()
    field = name + (at or "").strip()
    required = _REQUIRED.search(reason)
    if required and not at:
        field = f"{field}.{required.group(1)}"
    return GraphQLError(
        error.message,
        extensions={"code": "BAD_USER_INPUT", "field": field, "reason": reason.strip()},
    )


def input_errors(
    schema: GraphQLSchema, document, operation_name: str | None, variables: dict | None
) -> list[GraphQLError]:
    """Every bound the operation's inputs break (empty when all hold)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    issues = _Issues()
    _precheck_lists(schema, operation, variables or {}, issues)
    if issues.errors:
        return issues.errors  # refused before coercing (and copying) a huge list
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=MAX_ISSUES
    )
    if isinstance(coerced, list):
        return [_bad_variable(error) for error in coerced]
    walk = _Walk(
        schema,
        {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)},
        coerced,
        None,
    )
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    _visit(operation.selection_set, root, walk, issues, depth=0)
    return issues.errors


def _precheck_lists(schema: GraphQLSchema, operation, variables: dict, issues: _Issues) -> None:
    """List caps on the raw JSON variables: a 200 000-item list is refused before graphql-core
    coerces every item. A list variable at the top level gets the largest cap of any field (it
    may feed one); lists inside input objects get their field's cap."""
    largest = max(list_caps().values())
    for definition in operation.variable_definitions or ():
        type_ = type_from_ast(schema, definition.type)
        name = definition.variable.name.value
        if type_ is not None:
            _raw_lists(variables.get(name), type_, name, None, largest, issues, 0)


def _raw_lists(value, type_, path: str, key: str | None, largest: int, issues, depth: int):
    if value is None or issues.full or depth > 20:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList) and isinstance(value, list):
        cap = list_caps().get(key, DEFAULT_LIST_CAP) if key is not None else largest
        if len(value) > cap:
            issues.add("VALIDATION_ERROR", path, f"{len(value)} items; at most {cap}")
            return
        for index, item in enumerate(value[:1000]):  # deeper lists: caps of their own fields
            _raw_lists(item, type_.of_type, f"{path}[{index}]", key, largest, issues, depth + 1)
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in type_.fields.items():
            _raw_lists(
                value.get(name), field.type, f"{path}.{name}", f"{type_.name}.{name}",
                largest, issues, depth + 1,
            )  # fmt: skip


def _visit(selection_set, parent, walk: _Walk, issues: _Issues, depth: int) -> None:
    if selection_set is None or issues.full or depth > settings.GRAPHQL_MAX_DEPTH:
        return
    for node, owner in _fields_of(selection_set, parent, walk):
        if not isinstance(node, FieldNode) or not isinstance(
            owner, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        definition = owner.fields.get(node.name.value)
        if definition is None:
            continue
        if definition.args and node.arguments:
            try:
                arguments = get_argument_values(definition, node, walk.variables)
            except (GraphQLError, TypeError, ValueError):
                arguments = {}  # validation reports bad literals
            for name, argument in definition.args.items():
                value = arguments.get(argument.out_name or name)
                key = f"{owner.name}.{node.name.value}({name})"
                if name in ("after", "before") and get_named_type(definition.type).name.endswith(
                    "Connection"
                ):
                    _check_cursor(value, name, issues)
                    continue
                _check(value, argument.type, name, key, (None, name), issues)
        _visit(node.selection_set, get_named_type(definition.type), walk, issues, depth + 1)
