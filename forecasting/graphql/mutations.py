from __future__ import annotations

import strawberry

from ainergy.common.errors import ValidationError
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from ainergy.timeseries.selectors import series_get
from forecasting import selectors, services
from forecasting.graphql.inputs import ForecastRunRequestInput
from forecasting.graphql.types import ForecastRunType


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=[WRITE],
        description="Queue a forecast of a series issued at ``issuedAt``; the job stores its values.",
    )
    def forecast_run_request(self, info: Info, input: ForecastRunRequestInput) -> ForecastRunType:
        tenant = info.context.tenant
        series = series_get(tenant, decode_id(input.series_id, "Series", "series_id"))
        if len(input.regressor_series_ids) > services.MAX_REGRESSORS:
            raise ValidationError(
                "regressor_series_ids",
                f"at most {services.MAX_REGRESSORS} regressors, got {len(input.regressor_series_ids)}",
            )
        regressors = [
            series_get(tenant, decode_id(gid, "Series", f"regressor_series_ids[{position}]"))
            for position, gid in enumerate(input.regressor_series_ids)
        ]
        run = services.forecast_run_request(
            tenant=tenant,
            series=series,
            model_name=input.model_name.value,
            issued_at=input.issued_at,
            delivery_day=input.delivery_day,
            horizon_hours=input.horizon_hours,
            regressor_series=regressors,
            history_days=input.history_days,
            quantiles=input.quantiles,
            scenario_count=input.scenario_count,
            backtest_days=input.backtest_days,
            created_by=info.context.principal.user,
        )
        return selectors.forecast_run_get(tenant, run.pk)
