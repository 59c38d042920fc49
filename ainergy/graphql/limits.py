"""Query cost analysis and document limits, checked after parsing and before validation.

Order of the checks on a request (cheapest first): rate limits and authentication in the
middleware, the body and document size in the view, the token count in the parser
(``MaxTokensLimiter``), then here, on the parsed document and before graphql-core's validation
(whose overlapping-fields rule is quadratic in repeated fields):

1. **Field count**: at most ``GRAPHQL_MAX_FIELDS`` field selections with fragments expanded, and
   at most ``GRAPHQL_MAX_REPEATED_FIELDS`` selections of one response key in a selection set.
2. **Cost**: the number of objects the operation may return, assuming every list is filled:
   an object field costs 1, a leaf 0, a list of leaves one per ``LEAF_LIST_UNIT`` items, a list
   or connection multiplies its selection by its size (``first``/``last``, else the page cap;
   series queries by their point count, daily values by their days plus one per ``SCAN_UNIT``
   raw values they read); a mutation field costs ``MUTATION_COST`` more. Over ``GRAPHQL_MAX_COST`` →
   ``COST_LIMIT`` naming the cost and the limit.
3. **Budget**: the cost is charged to the caller's per-minute budget in Redis
   (``GRAPHQL_COST_BUDGET_PER_MINUTE``); past it → ``RATE_LIMITED``, HTTP 429, ``Retry-After``.

Every response carries ``extensions.cost`` (requested cost, maximum, budget remaining).
Introspection is refused unless ``GRAPHQL_INTROSPECTION`` is on (off in production).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from ainergy.common import ratelimit
from ainergy.common.middleware import principal_key

MUTATION_COST = 10
LEAF_LIST_UNIT = 100  # items of a list of scalars that cost as much as one object
SCAN_UNIT = 10  # raw values an aggregation reads that cost as much as one returned object
INTROSPECTION_COST = 1_000
DEFAULT_LIST_SIZE = 100
# Largest sizes of object lists that are not paginated (type, field) -> items.
LIST_SIZES: dict[tuple[str, str], int] = {
    ("BidPlan", "periods"): 1_000,  # 100 MTUs x 10 heat pumps
    ("BidPlan", "dayAheadCurves"): 100,  # one per MTU
    ("BidPlan", "reserveOffers"): 400,  # MTUs x reserve products
    ("BidPlan", "dispatches"): 3,  # results versions
    ("DayAheadCurve", "points"): 64,  # scenarios + price floor and cap
    ("PoolDispatch", "setpoints"): 1_000,
    ("HouseholdSchedule", "periods"): 100,
    ("BidPlanSchedulePeriod", "reserve"): 6,  # reserve products
    ("PoolDispatchSetpoint", "reserve"): 6,
    ("Bid", "curve"): 64,
    ("CurveOrderCurve", "points"): 64,
    ("BidPlanRisk", "scenarioCosts"): 50,  # scenarios
    ("BidPlanRisk", "expectedComponents"): 10,
    ("PoolDispatch", "costs"): 10,
    ("BidPlan", "units"): 10,
    ("BidPlan", "results"): 3,
    ("BidPlan", "events"): 20,
    ("BidPlan", "deratedCapacity"): 6,
    ("BidPlan", "curveDiagnostics"): 100,
    ("HeatPump", "copTable"): 100,
    ("MarketAccount", "enabledProducts"): 20,
    ("Query", "forecastValues"): 10_000,
    ("Me", "tenantsAvailable"): 20,
    ("Bid", "results"): 10,
}


def _points_estimate(args: dict, context) -> int:
    """Rows of ``seriesValues``: the range over the requested (or the series') resolution."""
    start, end = args.get("start"), args.get("end")
    if start is None or end is None or end <= start:
        return 0
    minutes = args.get("resolutionMinutes") or _series_resolution(args, context) or 1
    points = math.ceil((end - start).total_seconds() / 60 / max(int(minutes), 1))
    return min(points, settings.TIMESERIES_MAX_POINTS_PER_QUERY)


def _series_resolution(args: dict, context) -> int | None:
    """The series' resolution [min], looked up once per request and series id."""
    from ainergy.graphql.ids import decode_id
    from ainergy.timeseries.selectors import series_get

    series_id = args.get("seriesId")
    cache = getattr(context, "_cost_series_resolution", None)
    if cache is None:
        cache = {}
        if context is not None:
            context._cost_series_resolution = cache
    if series_id not in cache:
        tenant = getattr(getattr(context, "principal", None), "tenant", None)
        try:
            series = series_get(tenant, decode_id(series_id, "Series", "Series"))
            cache[series_id] = series.resolution_minutes
        except Exception:  # not found, not yours, garbled: the resolver answers NOT_FOUND
            cache[series_id] = None
    return cache[series_id]


def _daily_estimate(args: dict, context) -> tuple[int, int]:
    """(days returned, raw points scanned) of ``dailyValues``."""
    first, last = args.get("firstDay"), args.get("lastDay")
    if first is None or last is None or last < first:
        return 0, 0
    days = (last - first).days + 1
    minutes = _series_resolution(args, context) or 1
    return days, days * 25 * 60 // max(minutes, 1)


class CostLimitExceeded(GraphQLError):
    pass


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Any
    context: Any
    fields: int = 0
    repeated: tuple[str, int] | None = None
    spread_path: list[str] = field(default_factory=list)


def _arguments(definition: GraphQLField, node: FieldNode, walk: _Walk) -> dict:
    """Coerced argument values by GraphQL name (empty if they do not coerce: validation or
    execution reports that)."""
    if not definition.args:
        return {}
    try:
        return get_argument_values(definition, node, walk.variables)
    except (GraphQLError, TypeError, ValueError):
        return {}


def _fields_of(selection_set: SelectionSetNode, parent, walk: _Walk) -> list[tuple[FieldNode, Any]]:
    """Field nodes of a selection set with fragments expanded (fragment cycles are cut)."""
    collected: list[tuple[FieldNode, Any]] = []
    for selection in selection_set.selections:
        if len(collected) > settings.GRAPHQL_MAX_FIELDS:
            break  # over the limit anyway; a fragment bomb must not expand further
        if isinstance(selection, FieldNode):
            collected.append((selection, parent))
        elif isinstance(selection, InlineFragmentNode):
            condition = parent
            if selection.type_condition is not None:
                condition = walk.schema.get_type(selection.type_condition.name.value) or parent
            collected.extend(_fields_of(selection.selection_set, condition, walk))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in walk.spread_path:
                continue
            walk.spread_path.append(name)
            condition = walk.schema.get_type(fragment.type_condition.name.value) or parent
            collected.extend(_fields_of(fragment.selection_set, condition, walk))
            walk.spread_path.pop()
    return collected


def _selection_cost(
    selection_set: SelectionSetNode | None, parent, walk: _Walk, size: int
) -> float:
    """Cost of a selection set on ``parent``; ``size`` is the page size when ``parent`` is a
    connection (applied to its ``edges``/``nodes``)."""
    if selection_set is None:
        return 0.0
    fields = _fields_of(selection_set, parent, walk)
    keys = Counter((node.alias or node.name).value for node, _ in fields)
    key, count = keys.most_common(1)[0] if keys else ("", 0)
    if count > settings.GRAPHQL_MAX_REPEATED_FIELDS:
        walk.repeated = (key, count)
        return math.inf
    walk.fields += len(fields)
    if walk.fields > settings.GRAPHQL_MAX_FIELDS:
        return math.inf
    total = 0.0
    for node, owner in fields:
        name = node.name.value
        if name.startswith("__"):
            total += INTROSPECTION_COST if name in ("__schema", "__type") else 0
            continue
        if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            continue
        definition = owner.fields.get(name)
        if definition is None:
            continue  # validation reports unknown fields
        total += _field_cost(node, owner, definition, walk, size)
        if math.isinf(total):
            return total
    return total


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _field_cost(node: FieldNode, owner, definition: GraphQLField, walk: _Walk, size: int) -> float:
    named = get_named_type(definition.type)
    args = _arguments(definition, node, walk)
    key = (owner.name, node.name.value)
    if is_leaf_type(named):
        if not _is_list(definition.type):
            return 0.0
        return LIST_SIZES.get(key, DEFAULT_LIST_SIZE) / LEAF_LIST_UNIT
    own = 1.0
    count = 1
    page = size
    if owner.name.endswith("Connection") and node.name.value in ("edges", "nodes"):
        count = size
    elif isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
        requested = args.get("first") or args.get("last")
        page = (
            min(int(requested), settings.GRAPHQL_MAX_PAGE_SIZE)
            if requested
            else (settings.GRAPHQL_MAX_PAGE_SIZE)
        )
        page = max(page, 0)
    elif key == ("Query", "seriesValues"):
        count = _points_estimate(args, walk.context)
    elif key == ("Query", "dailyValues"):
        days, scanned = _daily_estimate(args, walk.context)
        count, own = days, 1.0 + scanned / SCAN_UNIT / max(days, 1)
    elif _is_list(definition.type):
        count = LIST_SIZES.get(key, DEFAULT_LIST_SIZE)
    children = _selection_cost(node.selection_set, named, walk, page)
    return count * (own + children)


@dataclass(frozen=True)
class Cost:
    requested: float
    fields: int
    repeated: tuple[str, int] | None


def operation_cost(
    schema: GraphQLSchema, document, operation_name: str | None, variables: dict, context
) -> Cost | None:
    """The requested cost of the operation to run, or None if it cannot be found."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    walk = _Walk(
        schema=schema,
        fragments={
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        },
        variables=None if isinstance(coerced, list) else coerced,
        context=context,
    )
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    cost = _selection_cost(operation.selection_set, root, walk, settings.GRAPHQL_MAX_PAGE_SIZE)
    if operation.operation is OperationType.MUTATION and not math.isinf(cost):
        roots = _fields_of(operation.selection_set, root, _Walk(schema, walk.fragments, None, None))
        cost += MUTATION_COST * len(roots)
    return Cost(cost, walk.fields, walk.repeated)


def _error(message: str, extensions: dict) -> GraphQLError:
    return GraphQLError(message, extensions=extensions)


class QueryCostLimiter(SchemaExtension):
    """Document limits, cost limit and per-caller cost budget, before validation."""

    def __init__(self) -> None:
        self.cost: Cost | None = None
        self.budget_remaining: int | None = None

    def on_operation(self):
        if not settings.GRAPHQL_INTROSPECTION:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield

    def on_validate(self):
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            errors = self._check(context)
            if errors:
                context.pre_execution_errors = errors  # skips validation and execution
        yield

    def _check(self, context) -> list[GraphQLError]:
        from ainergy.graphql.input_bounds import input_errors
        from ainergy.graphql.scopes import mutation_payload_violation

        schema = context.schema._schema
        violation = mutation_payload_violation(
            schema,
            context.graphql_document,
            context.operation_name,
            getattr(context.context, "principal", None),
        )
        if violation is not None:
            return [violation]
        errors = input_errors(
            schema, context.graphql_document, context.operation_name, context.variables
        )
        if errors:
            return errors
        error = self._check_cost(context)
        return [error] if error is not None else []

    def _check_cost(self, context) -> GraphQLError | None:
        self.cost = operation_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables,
            context.context,
        )
        if self.cost is None:
            return None
        if self.cost.repeated is not None:
            key, count = self.cost.repeated
            limit = settings.GRAPHQL_MAX_REPEATED_FIELDS
            return _error(
                f"Field '{key}' is selected {count} times in one selection set; at most {limit}.",
                {"code": "DOCUMENT_TOO_COMPLEX", "field": key, "limit": limit},
            )
        if self.cost.fields > settings.GRAPHQL_MAX_FIELDS:
            limit = settings.GRAPHQL_MAX_FIELDS
            return _error(
                f"The document selects more than {limit} fields (fragments expanded).",
                {"code": "DOCUMENT_TOO_COMPLEX", "limit": limit},
            )
        requested = math.ceil(self.cost.requested)
        limit = settings.GRAPHQL_MAX_COST
        if requested > limit:
            return _error(
                f"Query cost {requested} exceeds the limit of {limit}: request fewer items "
                "(smaller first/last, shorter time ranges, coarser resolution) or fewer fields.",
                {"code": "COST_LIMIT", "cost": requested, "limit": limit},
            )
        return self._charge(context, requested)

    def _charge(self, context, requested: int) -> GraphQLError | None:
        key = principal_key(getattr(context.context, "principal", None))
        if key is None or not settings.RATE_LIMIT_ENABLED:
            return None
        budget = settings.GRAPHQL_COST_BUDGET_PER_MINUTE
        decision = ratelimit.hit("cost", key, limit=budget, window_s=60, amount=max(requested, 1))
        self.budget_remaining = decision.remaining
        if decision.allowed:
            return None
        response = getattr(context.context, "response", None)
        if response is not None:
            response.status_code = 429
            response["Retry-After"] = str(decision.retry_after_s)
        return _error(
            f"Query cost budget of {budget} per minute used up (this query costs {requested}); "
            f"retry after {decision.retry_after_s} s.",
            {
                "code": "RATE_LIMITED",
                "cost": requested,
                "budgetPerMinute": budget,
                "retryAfterS": decision.retry_after_s,
            },
        )

    def get_results(self) -> dict[str, Any]:
        if self.cost is None or math.isinf(self.cost.requested):
            return {}
        result = {
            "requestedQueryCost": math.ceil(self.cost.requested),
            "maximumQueryCost": settings.GRAPHQL_MAX_COST,
            "budgetPerMinute": settings.GRAPHQL_COST_BUDGET_PER_MINUTE,
        }
        if self.budget_remaining is not None:
            result["budgetRemaining"] = self.budget_remaining
        return {"cost": result}
