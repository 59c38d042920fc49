"""Tenant A's pipeline enrolment, step run, alert, schedule version, webhook and delivery."""


def make(tenant, made: dict) -> dict:
    import datetime as dt

    from ainergy.common.crypto import encrypt
    from ainergy.jobs.services import job_enqueue
    from ainergy.pipeline.models import (
        PipelineAlert,
        PipelineEnrollment,
        PipelineStepRun,
        ScheduleSetpoint,
        ScheduleVersion,
        Webhook,
        WebhookDelivery,
    )

    at = dt.datetime(2024, 1, 14, 8, tzinfo=dt.UTC)
    enrollment = PipelineEnrollment.objects.create(
        tenant=tenant, pool=made["Pool"], parameters={"note": "Secret Plant parameters"}
    )
    run = PipelineStepRun.objects.create(
        tenant=tenant, enrollment=enrollment, delivery_day=dt.date(2024, 1, 15), step="bid_plan",
        status="missed", job=job_enqueue(tenant=tenant, kind="pipeline_step", parameters={}),
        earliest_at=at, deadline_at=at, started_at=at, fallback_action="Secret Plant fallback",
    )  # fmt: skip
    alert = PipelineAlert.objects.create(
        tenant=tenant, step_run=run, kind="deadline_missed", message="Secret Plant missed",
        fallback_action="Secret Plant fallback", raised_at=at,
    )  # fmt: skip
    version = ScheduleVersion.objects.create(
        tenant=tenant, pool=made["Pool"], delivery_day=dt.date(2024, 1, 15), version=1,
        cause="fallback", cause_detail={"source": "Secret Plant"}, content_sha256="0" * 64,
        published_at=at,
    )  # fmt: skip
    setpoint = ScheduleSetpoint.objects.create(
        tenant=tenant, version=version, heat_pump=made["HeatPump"], start_at=at,
        end_at=at + dt.timedelta(hours=1), power_kw=100.0, is_on=True,
    )  # fmt: skip
    webhook = Webhook.objects.create(
        tenant=tenant, url="https://secret-plant.example/hook", events=["schedule.published"],
        secret_encrypted=encrypt("Secret Plant secret 0123456789"), description="Secret Plant",
    )  # fmt: skip
    delivery = WebhookDelivery.objects.create(
        tenant=tenant, webhook=webhook, event="schedule.published", event_id="secret-plant-1",
        payload={"note": "Secret Plant"},
    )  # fmt: skip
    return {
        "PipelineEnrollment": enrollment,
        "PipelineStepRun": run,
        "PipelineAlert": alert,
        "ScheduleVersion": version,
        "ScheduleSetpoint": setpoint,
        "Webhook": webhook,
        "WebhookDelivery": delivery,
    }
