"""HTTP connectors for public market data (Energi Data Service), smart meters (Eloverblik) and
weather forecasts (Open-Meteo).

Pure Python + requests + pandas: nothing here imports Django, so the storage side (services,
Celery tasks) calls these and writes the returned ``SeriesBatch`` objects. See
docs/connectors.md.
"""

from ainergy.timeseries.connectors.batch import SeriesBatch
from ainergy.timeseries.connectors.eloverblik import EloverblikClient, MeteringPoint
from ainergy.timeseries.connectors.energidataservice import (
    DATASET_SPECS,
    DatasetSpec,
    EnergiDataServiceClient,
    RecordSet,
    ValueSpec,
    dataset_spec,
    series_from_records,
)
from ainergy.timeseries.connectors.http import HttpClient, RetryPolicy
from ainergy.timeseries.connectors.openmeteo import OpenMeteoClient
from ainergy.timeseries.connectors.tariffs import (
    TariffPeriod,
    fetch_tariff_periods,
    tariff_periods_from_records,
    tariff_price_points,
    tariff_series,
)

__all__ = [
    "DATASET_SPECS",
    "DatasetSpec",
    "EloverblikClient",
    "EnergiDataServiceClient",
    "HttpClient",
    "MeteringPoint",
    "OpenMeteoClient",
    "RecordSet",
    "RetryPolicy",
    "SeriesBatch",
    "TariffPeriod",
    "ValueSpec",
    "dataset_spec",
    "fetch_tariff_periods",
    "series_from_records",
    "tariff_periods_from_records",
    "tariff_price_points",
    "tariff_series",
]
