"""Job vocabulary: status and kind."""

from __future__ import annotations

from ainergy.graphql.vocabulary import choices_enum, graphql_enum
from ainergy.jobs import models

JobStatusEnum = choices_enum(
    "JobStatus",
    "Where a job stands; SUCCEEDED, FAILED and CANCELLED are final.",
    models.JobStatus,
    {
        "QUEUED": "Waiting for a worker.",
        "RUNNING": "A worker is on it; see progressFraction.",
        "SUCCEEDED": "Finished; its result can be read.",
        "FAILED": "Stopped with an error (errorCode, errorMessage).",
        "CANCELLED": "Cancelled by a caller before it finished.",
    },
)

JobKindEnum = graphql_enum(
    "JobKind",
    "What a job computes (each kind runs on its own queue).",
    {
        "DIAGNOSTIC": ("diagnostic", "Checks the queue → worker → database path."),
        "METER_DATA_SYNC": ("meter_data_sync", "Fetches smart-meter data from Eloverblik."),
        "FORECAST_RUN": ("forecast_run", "Computes a forecast run."),
        "BID_PLAN": ("bid_plan", "Solves a pool's bid plan for a delivery day."),
        "POOL_DISPATCH": ("pool_dispatch", "Turns cleared bids into heat-pump setpoints."),
        "HOUSEHOLD_SIZING": ("household_sizing", "Solves a household sizing study."),
        "HOUSEHOLD_SCHEDULE": ("household_schedule", "Solves a household day-ahead schedule."),
        "PIPELINE_STEP": (
            "pipeline_step",
            "One step of the daily pipeline (fetch, submit, results import, publication), or "
            "the record of a step that missed its deadline.",
        ),
        "PIPELINE_REPLAN": (
            "pipeline_replan",
            "Drift check of telemetry; re-dispatches or re-plans what drifted.",
        ),
    },
)
