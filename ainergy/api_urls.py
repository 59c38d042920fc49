"""REST endpoints for devices (``/api/v1/...``); partner apps use GraphQL."""

from django.urls import path

from ainergy.timeseries import views as timeseries_views
from optimization import views as optimization_views

urlpatterns = [
    path("telemetry", timeseries_views.telemetry, name="telemetry"),
    path(
        "households/<str:site_id>/schedule",
        optimization_views.household_schedule,
        name="household-schedule",
    ),
]
