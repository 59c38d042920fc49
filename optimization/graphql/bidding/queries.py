from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from optimization.graphql.bidding.types import BidPlanType, HeatPumpSchedule, PoolDispatchType
from optimization.selectors.bidding import (
    bid_plan_get,
    heat_pump_dispatch_latest,
    heat_pump_get,
    heat_pump_setpoints,
    pool_dispatch_get,
)


@strawberry.type
class Query:
    bid_plans: DjangoListConnection[BidPlanType] = strawberry_django.connection(extensions=[READ])
    pool_dispatches: DjangoListConnection[PoolDispatchType] = strawberry_django.connection(
        extensions=[READ]
    )

    @strawberry.field(extensions=[READ])
    def bid_plan(self, info: Info, id: relay.GlobalID) -> BidPlanType:
        return bid_plan_get(info.context.tenant, decode_id(id, "BidPlan", "Bid plan"))

    @strawberry.field(extensions=[READ])
    def pool_dispatch(self, info: Info, id: relay.GlobalID) -> PoolDispatchType:
        return pool_dispatch_get(
            info.context.tenant, decode_id(id, "PoolDispatch", "Pool dispatch")
        )

    @strawberry.field(extensions=[READ])
    def heat_pump_schedule(
        self, info: Info, heat_pump_id: relay.GlobalID, delivery_day: dt.date
    ) -> HeatPumpSchedule:
        """Setpoints of the newest succeeded dispatch of the day (what the device runs)."""
        tenant = info.context.tenant
        pump = heat_pump_get(tenant, decode_id(heat_pump_id, "HeatPump", "Heat pump"))
        dispatch = heat_pump_dispatch_latest(tenant, heat_pump=pump, delivery_day=delivery_day)
        return HeatPumpSchedule(
            heat_pump=pump,
            delivery_day=delivery_day,
            mtu_minutes=dispatch.bid_plan.mtu_minutes,
            pool_dispatch=dispatch,
            setpoints=heat_pump_setpoints(tenant, dispatch=dispatch, heat_pump=pump),
        )
