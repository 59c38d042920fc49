"""Root GraphQL schema: merges each app's Query and Mutation; the query optimizer is on."""

from __future__ import annotations

import strawberry
from django.conf import settings
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from ainergy.assets.graphql.mutations import Mutation as AssetsMutation
from ainergy.assets.graphql.queries import Query as AssetsQuery
from ainergy.graphql import paths
from ainergy.graphql.audit import AuditExtension
from ainergy.graphql.errors import ErrorFormatter, is_unexpected
from ainergy.graphql.limits import QueryCostLimiter
from ainergy.graphql.nodes import Query as NodesQuery
from ainergy.graphql.vocabulary import describe, describe_root_arguments
from ainergy.jobs.graphql.mutations import Mutation as JobsMutation
from ainergy.jobs.graphql.queries import Query as JobsQuery
from ainergy.markets.graphql.mutations import Mutation as MarketsMutation
from ainergy.markets.graphql.queries import Query as MarketsQuery
from ainergy.pipeline.graphql.mutations import Mutation as PipelineMutation
from ainergy.pipeline.graphql.queries import Query as PipelineQuery
from ainergy.pipeline.graphql.subscriptions import Subscription
from ainergy.timeseries.graphql.mutations import Mutation as TimeseriesMutation
from ainergy.timeseries.graphql.queries import Query as TimeseriesQuery
from forecasting.graphql.mutations import Mutation as ForecastingMutation
from forecasting.graphql.queries import Query as ForecastingQuery
from optimization.graphql.bidding.mutations import Mutation as BiddingMutation
from optimization.graphql.bidding.queries import Query as BiddingQuery
from optimization.graphql.household.mutations import Mutation as HouseholdMutation
from optimization.graphql.household.queries import Query as HouseholdQuery
from tenants.graphql.mutations import Mutation as TenantsMutation
from tenants.graphql.queries import Query as TenantsQuery

Query = merge_types(
    "Query",
    (
        NodesQuery,
        TenantsQuery,
        JobsQuery,
        MarketsQuery,
        AssetsQuery,
        TimeseriesQuery,
        ForecastingQuery,
        HouseholdQuery,
        BiddingQuery,
        PipelineQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        TenantsMutation,
        JobsMutation,
        MarketsMutation,
        AssetsMutation,
        TimeseriesMutation,
        ForecastingMutation,
        HouseholdMutation,
        BiddingMutation,
        PipelineMutation,
    ),
)


# Errors of every field with arguments name the GraphQL input path (see ainergy.graphql.paths).
paths.install(Query, Mutation)
describe(Query, "Reads. Every object is the caller's tenant's (or public market data).")
describe(Mutation, "Writes. Inputs are validated as a whole; nothing is half-written.")
describe(Subscription, "Events over WebSocket (graphql-transport-ws on /graphql, token in "
         "connection_init).")  # fmt: skip
describe_root_arguments(Query, Mutation, Subscription)


class AinergySchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Log only unexpected errors; domain errors and bad queries are the caller's business."""
        unexpected = [error for error in errors if is_unexpected(error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


schema = AinergySchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(
        relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE,
        disable_field_suggestions=True,
    ),
    extensions=[
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        QueryCostLimiter,  # field count, cost, budget: after parsing, before validation
        ErrorFormatter,
        AuditExtension,  # after ErrorFormatter: exits first, so it sees the original errors
        DjangoOptimizerExtension,
    ],
)


# Connection fields build their ``filters`` argument at schema time: describe it there.
for _root in (schema._schema.query_type, schema._schema.mutation_type):
    for _field in _root.fields.values():
        _filters = _field.args.get("filters")
        if _filters is not None and not _filters.description:
            _filters.description = "Only objects meeting all these conditions."

# strawberry-django describes ``last`` like ``after``; say what it does.
for _type in schema._schema.type_map.values():
    for _field in getattr(_type, "fields", {}).values():
        _last = getattr(_field, "args", {}).get("last")
        if _last is not None and "after" in (_last.description or ""):
            _last.description = "Returns the last n items of the list (at most 100)."
