from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
import strawberry_django

from ainergy.graphql.connection import Connection
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
    bid_plans: Connection[BidPlanType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's bid plans, oldest first."
    )
    pool_dispatches: Connection[PoolDispatchType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's pool dispatches, oldest first."
    )

    @strawberry.field(extensions=[READ], description="One bid plan by id.")
    def bid_plan(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The bid plan's id.")],
    ) -> BidPlanType:
        return bid_plan_get(info.context.tenant, decode_id(id, "BidPlan"))

    @strawberry.field(extensions=[READ], description="One pool dispatch by id.")
    def pool_dispatch(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The dispatch's id.")],
    ) -> PoolDispatchType:
        return pool_dispatch_get(info.context.tenant, decode_id(id, "PoolDispatch"))

    @strawberry.field(
        extensions=[READ],
        description="Setpoints of the newest succeeded dispatch of the day (what the device runs).",
    )
    def heat_pump_schedule(
        self,
        info: Info,
        heat_pump_id: Annotated[strawberry.ID, strawberry.argument(description="The heat pump.")],
        delivery_day: Annotated[
            dt.date, strawberry.argument(description="Local (Europe/Copenhagen) delivery day.")
        ],
    ) -> HeatPumpSchedule:
        tenant = info.context.tenant
        pump = heat_pump_get(tenant, decode_id(heat_pump_id, "HeatPump", "heat_pump_id"))
        dispatch = heat_pump_dispatch_latest(tenant, heat_pump=pump, delivery_day=delivery_day)
        return HeatPumpSchedule(
            heat_pump=pump,
            delivery_day=delivery_day,
            mtu_minutes=dispatch.bid_plan.mtu_minutes,
            pool_dispatch=dispatch,
            setpoints=heat_pump_setpoints(tenant, dispatch=dispatch, heat_pump=pump),
        )
