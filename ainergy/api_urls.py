"""REST endpoints for devices (``/api/v1/...``); partner apps use GraphQL."""

from django.urls import path

from ainergy.pipeline import views as pipeline_views
from ainergy.timeseries import views as timeseries_views
from optimization import views as optimization_views
from optimization import views_bidding

urlpatterns = [
    path("telemetry", timeseries_views.telemetry, name="telemetry"),
    path(
        "households/<str:site_id>/schedule",
        optimization_views.household_schedule,
        name="household-schedule",
    ),
    path(
        "heat-pumps/<str:device_id>/schedule",
        views_bidding.heat_pump_schedule,
        name="heat-pump-schedule",
    ),
    path(
        "devices/<str:device_id>/setpoints",
        pipeline_views.device_setpoints_view,
        name="device-setpoints",
    ),
    path(
        "bid-plans/<str:bid_plan_id>/curves", views_bidding.bid_plan_curves, name="bid-plan-curves"
    ),
]
