"""Time-series vocabulary: series kinds (each with its unit) and aggregations."""

from __future__ import annotations

from ainergy.graphql.vocabulary import graphql_enum
from ainergy.timeseries.kinds import KINDS

SeriesKindEnum = graphql_enum(
    "SeriesKind",
    "What a series measures; the kind fixes the unit (`Series.unit`) and the physical range.",
    {
        code.upper(): (
            code,
            f"{kind.description} [{kind.unit}]"
            + (" (public market data)" if kind.is_public_market_data else ""),
        )
        for code, kind in KINDS.items()
    },
)

AggregationEnum = graphql_enum(
    "Aggregation",
    "How raw points are combined into one value per output period.",
    {
        "MEAN": ("mean", "Arithmetic mean of the points (for power, prices, temperatures)."),
        "SUM": ("sum", "Sum of the points (for energy per interval)."),
        "MIN": ("min", "Smallest point."),
        "MAX": ("max", "Largest point."),
    },
)

MeterDataAggregationEnum = graphql_enum(
    "MeterDataAggregation",
    "Resolution at which Eloverblik returns smart-meter data.",
    {
        "QUARTER": ("Quarter", "15-minute values."),
        "HOUR": ("Hour", "Hourly values."),
        "DAY": ("Day", "Daily values."),
    },
)
